// Editing the setup.bin open in the window with the service `ukpu setupbin edit` runs
// (provision::edit_setup_bin): variables set (by their catalog key, values checked as `setupbin
// create` checks them) or removed, scrambling and the reusable flag switched, the consumed
// counter reset, every other byte kept. The changes are listed as the command lists them
// (setupbin::change_text, secrets masked) with its warnings, the edited file judged by the
// checker as the command judges it, and saved to a new file (0600, atomically).
#pragma once

#include <QGroupBox>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace ukpu::gui {

// What the editor asks of a setup.bin: the edits of `ukpu setupbin edit`.
struct SetupBinEdits {
    std::vector<std::pair<std::string, std::string>> set;  // catalog key, value as typed
    std::vector<std::string> unset;                        // catalog keys or M/V
    std::optional<bool> scramble;
    std::optional<bool> reusable;
    bool reset_consumed = false;
};

struct EditedSetupBin {
    std::vector<std::uint8_t> bytes;
    std::vector<std::string> changes;   // as `setupbin edit` lists them
    std::vector<std::string> findings;  // the checker's errors and warnings, and unmatched edits
    bool usable = false;                // no checker error
};

// Applies `edits` to `original` (a whole setup.bin, called `name` in messages) through
// provision::edit_setup_bin, the service `ukpu setupbin edit` runs. Throws provision::Error
// (bad_input for a file that is no setup.bin, a malformed or incomplete one; bad_argument for a
// value the catalog refuses or an edit the file cannot take).
EditedSetupBin edit_setup_bin(const std::vector<std::uint8_t>& original, const SetupBinEdits& edits,
                              const std::string& name = "setup.bin");

class SetupBinEditor : public QGroupBox {
    Q_OBJECT
public:
    explicit SetupBinEditor(QWidget* parent = nullptr);

    // The file being edited (its bytes as read).
    void set_file(const QString& path, std::vector<std::uint8_t> bytes);
    // Asks where to save (default: a file dialog); empty to cancel.
    void set_ask_path(std::function<QString(QWidget*)> ask) { ask_path_ = std::move(ask); }

    // What the widgets do, callable directly (tests).
    void add_set(const QString& key, const QString& value);
    void add_unset(const QString& key);
    void set_scramble(std::optional<bool> on);
    void set_reusable(std::optional<bool> on);
    void set_reset_consumed(bool on);
    SetupBinEdits edits() const;
    // Shows the changes and the checker's findings; false (and why, shown) when the edits
    // cannot be made.
    bool preview();
    // Saves the edited file where ask_path says; false when cancelled or refused.
    bool save();
    QString changes_text() const;

signals:
    void saved(const QString& path);

private:
    QString path_;
    std::vector<std::uint8_t> bytes_;
    std::vector<std::pair<std::string, std::string>> set_;
    std::vector<std::string> unset_;
    QComboBox* key_ = nullptr;
    QLineEdit* value_ = nullptr;
    QListWidget* list_ = nullptr;
    QComboBox* scramble_ = nullptr;
    QComboBox* reusable_ = nullptr;
    QCheckBox* reset_ = nullptr;
    QPushButton* save_ = nullptr;
    QPlainTextEdit* changes_ = nullptr;
    std::function<QString(QWidget*)> ask_path_;
};

}  // namespace ukpu::gui
