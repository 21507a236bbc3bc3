# Debian packages by CPack's DEB generator, from the install rules of ukpu/ and gui/:
#   ukpu      (component cli): /usr/bin/ukpu, ukpu(1), the bash completion
#   ukpu-gui  (component gui): /usr/bin/ukpu-gui, ukpu-gui(1), its desktop entry and icon, the
#                              polkit action of its planned privileged path; depends on
#                              ukpu (= the same version)
# Dependencies on shared libraries come from the built binaries (dpkg-shlibdeps). The version is
# project(VERSION) in CMakeLists.txt, the one `ukpu --version` prints; packaging/changelog's top
# entry must name it (checked here). scripts/package builds them, scripts/test checks them.
set(UKPU_DEB_REVISION 1)
set(UKPU_DEB_VERSION "${PROJECT_VERSION}-${UKPU_DEB_REVISION}")

file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/changelog UKPU_CHANGELOG_TOP LIMIT_COUNT 1)
if(NOT UKPU_CHANGELOG_TOP MATCHES "^ukpu \\(${UKPU_DEB_VERSION}\\) ")
  message(FATAL_ERROR "packaging/changelog's top entry (${UKPU_CHANGELOG_TOP}) is not for "
    "ukpu ${UKPU_DEB_VERSION}: add an entry for the version in project(VERSION)")
endif()

# Each package's changelog (gzipped, as Debian policy asks), copyright and lintian overrides.
set(UKPU_CHANGELOG_GZ ${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz)
add_custom_command(OUTPUT ${UKPU_CHANGELOG_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
  COMMAND gzip -9n -c ${CMAKE_CURRENT_LIST_DIR}/changelog > ${UKPU_CHANGELOG_GZ}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/changelog)
add_custom_target(ukpu-changelog ALL DEPENDS ${UKPU_CHANGELOG_GZ})
set(UKPU_DEB_COMPONENTS cli)
if(TARGET ukpu-gui)
  list(APPEND UKPU_DEB_COMPONENTS gui)
endif()
foreach(component IN LISTS UKPU_DEB_COMPONENTS)
  if(component STREQUAL "cli")
    set(package ukpu)
  else()
    set(package ukpu-gui)
  endif()
  install(FILES ${UKPU_CHANGELOG_GZ} ${CMAKE_CURRENT_LIST_DIR}/copyright
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package} COMPONENT ${component})
  # lintian's findings that do not apply, each with the reason (packaging/lintian/).
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/lintian/${package}
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides COMPONENT ${component})
endforeach()

# scripts/package builds the packaged targets itself: installing must not build the whole tree
# (tests and benchmarks included) first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# A stripped install (cpack strips) also drops the compiler's .comment section, as dh_strip does.
if(CMAKE_OBJCOPY)
  foreach(component IN LISTS UKPU_DEB_COMPONENTS)
    if(component STREQUAL "cli")
      set(program ukpu)
    else()
      set(program ukpu-gui)
    endif()
    install(CODE "
      if(CMAKE_INSTALL_DO_STRIP)
        execute_process(COMMAND \"${CMAKE_OBJCOPY}\" --remove-section=.comment
          \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/${program}\"
          COMMAND_ERROR_IS_FATAL ANY)
      endif()" COMPONENT ${component})
  endforeach()
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ukpu)
set(CPACK_PACKAGE_VENDOR "ukpu")
set(CPACK_PACKAGE_CONTACT "ukpu maintainers <ukpu@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_COMPONENTS_ALL ${UKPU_DEB_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${UKPU_DEB_REVISION})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME ukpu)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION admin)
set(CPACK_COMPONENT_CLI_DESCRIPTION
"build, check and repair Intel AMT USB provisioning keys
ukpu reads, checks and writes the setup.bin file that the BIOS and MEBx of
an Intel vPro PC read from a USB stick to configure Intel AMT (passwords,
network settings, PKI certificate hashes, PID/PPS pre-shared keys), in
every format version. It says per firmware generation whether a file or a
key will be accepted and why not, lays keys out so that every firmware
finds them, repairs keys other tools wrote, and generates PID/PPS key
batches tracked in a key store, with the exports a provisioning server
loads.")

set(CPACK_DEBIAN_GUI_PACKAGE_NAME ukpu-gui)
set(CPACK_DEBIAN_GUI_PACKAGE_SECTION admin)
# The window reaches sticks through pkexec and /usr/bin/ukpu (docs/architecture.md).
set(CPACK_DEBIAN_GUI_PACKAGE_DEPENDS "ukpu (= ${UKPU_DEB_VERSION}), pkexec")
set(CPACK_COMPONENT_GUI_DESCRIPTION
"write, repair and verify Intel AMT USB provisioning keys in a window
ukpu-gui is the Qt window of ukpu: it writes, repairs and verifies Intel
AMT one-touch provisioning keys on USB sticks with the same code and the
same safety rules as the ukpu command line, several sticks at once.")

include(CPack)
