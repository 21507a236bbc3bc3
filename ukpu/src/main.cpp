// ukpu: builds, checks and repairs Intel AMT one-touch USB provisioning keys.
#include "app.hpp"

int main(int argc, char** argv) {
    // The running system, no injected fault: the shipped program reads no test setting.
    return ukpu::cli::run(argc, argv, ukpu::provision::Context{});
}
