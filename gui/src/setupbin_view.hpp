// An existing setup.bin as `ukpu setupbin show` shows it: the header, then each record with its
// entries (catalog name, the value decoded for its type, the raw hex), secrets masked until
// "Show secrets" is ticked. The entries are described by setupbin::entry_text, as show's are.
// Below, the file can be edited as `ukpu setupbin edit` edits it (SetupBinEditor).
#pragma once

#include <QWidget>

#include <cstdint>
#include <string>
#include <vector>

class QCheckBox;
class QLabel;
class QTreeWidget;

namespace ukpu::gui {

class SetupBinEditor;

class SetupBinView : public QWidget {
    Q_OBJECT
public:
    explicit SetupBinView(QWidget* parent = nullptr);

    // Reads and shows `path`; false, with why in the view, when it is not a setup.bin.
    bool open(const QString& path);
    void set_show_secrets(bool on);
    QTreeWidget* tree() const { return tree_; }
    SetupBinEditor& editor() { return *editor_; }
    QString summary() const;
    // The entry rows as "M/V Name: value" lines, in file order (tests).
    QStringList entry_lines() const;

    enum Column { col_what = 0, col_value = 1, col_raw = 2 };

private:
    void choose();
    void fill();

    QLabel* path_ = nullptr;
    QLabel* summary_ = nullptr;
    QCheckBox* secrets_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    SetupBinEditor* editor_ = nullptr;
    QString file_;
    std::vector<std::uint8_t> bytes_;
};

}  // namespace ukpu::gui
