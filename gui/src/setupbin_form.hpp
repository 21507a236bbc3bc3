// The form that makes a setup.bin, as `ukpu setupbin create` makes it: one field per catalog
// variable (generated from setupbin::catalog(), so none create takes is missing), grouped in tabs
// as an admin thinks (the file, passwords, provisioning server and PKI, network, features and
// consent, advanced raw entries). Each field is checked as typed with the library's own encoder
// (provision::encode_setting); the firmware checker's verdict per generation (legacy BIOS, UEFI
// BIOS, modern MEBx) is shown beside the form, a moment after the last change. Secrets are typed
// into masked fields or read from files, and never written to a profile (only their files'
// paths). Certificate hashes come from certificate, chain, PKCS#7 or PKCS#12 files: the root CA
// is hashed, as the command line does. Profiles are loaded and saved as `ukpu --config` reads
// them (provision::write_profile).
#pragma once

#include <QWidget>

#include <map>
#include <optional>
#include <string>

#include "ukpu/provision/key_settings.hpp"
#include "ukpu/provision/setupbin_builder.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTimer;

namespace ukpu::gui {

class SetupBinForm : public QWidget {
    Q_OBJECT
public:
    explicit SetupBinForm(QWidget* parent = nullptr);

    // The settings the form holds (typed secrets in secret_values, chosen files in
    // secret_files: a file wins).
    provision::CreateSettings settings() const;
    // Fills the form from `s` (the fields of settings not set are cleared).
    void set_settings(const provision::CreateSettings& s);

    // Reads a profile into the form. False, with why in `error`, when it cannot be applied.
    bool load_profile(const QString& path, QString& error);
    // Writes the form as a profile (0600, atomic, replacing the file). The keys of secrets typed
    // and so not written are put in `left_out`. False with why in `error`.
    bool save_profile(const QString& path, QStringList& left_out, QString& error);
    // Builds the setup.bin of the form; nullopt with why in `error`.
    std::optional<provision::BuiltSetupBin> build(QString& error) const;
    // Builds and writes it (0600, atomic, replacing the file). False with why in `error`.
    bool save_setup_bin(const QString& path, QString& error);

    // The widgets, for the keyboard and the tests.
    QTabWidget* tabs() const { return tabs_; }
    // The value field of catalog key `key` (a QLineEdit, or an editable QComboBox for named
    // values); nullptr for a key without one.
    QWidget* field(const std::string& key) const;
    // The file field of a secret (its path; empty when typed).
    QLineEdit* secret_file(const std::string& key) const;
    // Why the field's text is refused; empty when it is accepted (or empty).
    QString field_problem(const std::string& key) const;
    // Adds a certificate hash from a certificate file (FILE[:NAME][:ALG]); false, with why, when
    // the file holds no root CA the command line would hash.
    bool add_cert_file(const QString& spec, QString& error);
    // The verdict of `generation` ("legacy", "uefi", "mebx") as shown.
    QString verdict(const QString& generation) const;
    // Runs the debounced check now (tests).
    void check_now();
    QPushButton* use_button() const { return use_; }

signals:
    // "Write this setup.bin to sticks": the file saved, for the main window's key source.
    void useSetupBin(const QString& path);

private:
    struct Field {
        const setupbin::VariableInfo* info = nullptr;
        QLineEdit* edit = nullptr;
        QComboBox* combo = nullptr;
        QLineEdit* file = nullptr;  // secrets
        QLabel* problem = nullptr;
    };
    QString text_of(const Field& f) const;
    void validate(Field& f);
    void changed();
    void add_field(QWidget* page, const setupbin::VariableInfo& info);
    void choose_cert_file();
    void choose_load_profile();
    void choose_save_profile();
    void choose_save_setup_bin();
    void use_for_writing();
    void say(const QString& text);

    QTabWidget* tabs_ = nullptr;
    QComboBox* version_ = nullptr;
    QComboBox* firmware_ = nullptr;
    QSpinBox* records_ = nullptr;
    QCheckBox* reusable_ = nullptr;
    QCheckBox* scramble_ = nullptr;
    QCheckBox* force_ = nullptr;
    std::map<std::string, Field> fields_;
    QListWidget* cert_files_ = nullptr;
    QLineEdit* cert_password_file_ = nullptr;
    QPlainTextEdit* cert_values_ = nullptr;  // one ALG:HEX[:NAME] a line
    QPlainTextEdit* vars_ = nullptr;         // one MODULE:VARIABLE:TYPE:VALUE a line
    QLabel* raw_problem_ = nullptr;
    std::map<QString, QLabel*> verdicts_;
    QPlainTextEdit* findings_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* use_ = nullptr;
    QTimer* debounce_ = nullptr;
    bool filling_ = false;
};

}  // namespace ukpu::gui
