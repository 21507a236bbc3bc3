// What the key store view says about key files and failures, shared by its reading part
// (store_view.cpp) and its actions (store_actions.cpp).
#pragma once

#include <QString>

#include <exception>

#include "ukpu/keys/records.hpp"

namespace ukpu::gui {

// The stick a key file was written to: "SanDisk Ultra, 14.3 GiB"; empty for a file.
QString stick_text(const keys::KeyFileInfo& f);
// "key file 2 of batch 1 (label B0001K002, stick serial S, /dev/sdb)".
QString key_file_text(const keys::KeyFileInfo& f);
// "written", "FAILED: never written; ...", "pending: ...".
QString file_state_text(keys::KeyFileState s);
// Why something was not done: the error's place and message.
QString failure_text(const std::exception& e);

}  // namespace ukpu::gui
