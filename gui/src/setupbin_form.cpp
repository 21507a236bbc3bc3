#include "setupbin_form.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <set>

#include "presentation/counted_text.hpp"
#include "presentation/qt_text.hpp"
#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/profile.hpp"
#include "ukpu/provision/profile_writer.hpp"
#include "ukpu/provision/reporter.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/values.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::gui {

namespace sb = ukpu::setupbin;
namespace pv = ukpu::provision;

namespace {

enum Page { page_file, page_passwords, page_server, page_network, page_features, page_advanced };

// The tab a catalog variable is shown on; every variable not named here is a feature, so that
// none is left out.
Page page_of(const sb::VariableInfo& info) {
    static const std::set<std::string_view> passwords = {"pid"};
    static const std::set<std::string_view> server = {
        "pki-dns-suffix",      "config-server-fqdn",
        "remote-config",       "preinstalled-certs",
        "user-certs",          "provisioning-mode",
        "provisioning-server", "provisioning-server-port",
        "provisioning-action"};
    static const std::set<std::string_view> network = {
        "hostname", "domain", "dhcp", "static-ipv4", "vlan", "ipv6", "shared-fqdn", "ddns"};
    if (info.secret || passwords.count(info.key)) return page_passwords;
    if (server.count(info.key)) return page_server;
    if (network.count(info.key)) return page_network;
    return page_features;
}

QStringList lines_of(const QPlainTextEdit* e) {
    QStringList out;
    for (const QString& l : e->toPlainText().split('\n')) {
        const QString t = l.trimmed();
        if (!t.isEmpty()) out << t;
    }
    return out;
}

std::vector<std::string> std_lines(const QPlainTextEdit* e) {
    std::vector<std::string> out;
    for (const QString& l : lines_of(e)) out.push_back(l.toStdString());
    return out;
}

QString joined(const std::vector<std::string>& v) {
    QStringList l;
    for (const auto& s : v) l << qs(s);
    return l.join('\n');
}

// A page of the tabs: a form that scrolls, to fit small screens.
QFormLayout* scrolled_form(QTabWidget* tabs, const QString& title) {
    auto* scroll = new QScrollArea(tabs);
    scroll->setWidgetResizable(true);
    auto* inner = new QWidget(scroll);
    auto* form = new QFormLayout(inner);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    scroll->setWidget(inner);
    tabs->addTab(scroll, title);
    return form;
}

}  // namespace

SetupBinForm::SetupBinForm(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    auto* body = new QHBoxLayout;
    outer->addLayout(body, 1);
    tabs_ = new QTabWidget(this);
    body->addWidget(tabs_, 3);

    std::vector<QFormLayout*> pages;
    for (const char* title : {"&File", "&Passwords", "&Server and PKI", "&Network",
                              "Features and &consent", "&Advanced"})
        pages.push_back(scrolled_form(tabs_, tr(title)));

    // The file.
    QFormLayout* file = pages[page_file];
    version_ = new QComboBox(this);
    for (const char* v : {"1", "2", "2.1", "3", "4"}) version_->addItem(v);
    version_->setCurrentText("4");
    file->addRow(tr("Format &version"), version_);
    firmware_ = new QComboBox(this);
    firmware_->setEditable(true);
    for (const char* f : {"all", "legacy,uefi", "uefi,mebx", "legacy", "uefi", "mebx"})
        firmware_->addItem(f);
    firmware_->setToolTip(tr("The firmware generations whose rules the file must pass"));
    file->addRow(tr("Firmware c&hecked"), firmware_);
    records_ = new QSpinBox(this);
    records_->setRange(1, 1000000);
    file->addRow(tr("Identical &records"), records_);
    reusable_ = new QCheckBox(tr("Reusable: records are never consumed (v2 and later)"), this);
    file->addRow(QString(), reusable_);
    scramble_ = new QCheckBox(tr("Scramble every record body"), this);
    file->addRow(QString(), scramble_);
    force_ = new QCheckBox(tr("Force: make the file even when the checker reports errors"), this);
    file->addRow(QString(), force_);

    for (const auto& info : sb::catalog()) {
        if (info.type == sb::ValueType::cert_hash) continue;  // the list on the server page
        add_field(pages[page_of(info)]->parentWidget(), info);
    }

    // Certificate hashes (2/8) on the server page.
    QFormLayout* server = pages[page_server];
    auto* certs = new QWidget(this);
    auto* certs_layout = new QVBoxLayout(certs);
    certs_layout->setContentsMargins(0, 0, 0, 0);
    cert_files_ = new QListWidget(certs);
    cert_files_->setMaximumHeight(90);
    certs_layout->addWidget(cert_files_);
    auto* cert_buttons = new QHBoxLayout;
    auto* add_cert = new QPushButton(tr("Add from a certificate f&ile..."), certs);
    auto* remove_cert = new QPushButton(tr("Remove"), certs);
    cert_buttons->addWidget(add_cert);
    cert_buttons->addWidget(remove_cert);
    cert_buttons->addStretch();
    certs_layout->addLayout(cert_buttons);
    server->addRow(tr("Root CA hashes (2/8)"), certs);
    cert_password_file_ = new QLineEdit(this);
    cert_password_file_->setObjectName("cert-password-file");
    cert_password_file_->setPlaceholderText(tr("file holding the password of .pfx/.p12 files"));
    server->addRow(tr("PKCS#12 password file"), cert_password_file_);
    cert_values_ = new QPlainTextEdit(this);
    cert_values_->setTabChangesFocus(true);
    cert_values_->setPlaceholderText(tr("ALG:HEX[:NAME], one a line"));
    cert_values_->setMaximumHeight(70);
    server->addRow(tr("Hashes given as hex"), cert_values_);

    // Raw entries.
    QFormLayout* advanced = pages[page_advanced];
    vars_ = new QPlainTextEdit(this);
    vars_->setTabChangesFocus(true);
    vars_->setPlaceholderText(tr("MODULE:VARIABLE:TYPE:VALUE, one a line (e.g. 2:30:u32:7)"));
    advanced->addRow(tr("Raw en&tries"), vars_);
    raw_problem_ = new QLabel(this);
    raw_problem_->setWordWrap(true);
    raw_problem_->setStyleSheet("color: #b00020");
    advanced->addRow(QString(), raw_problem_);

    // The checker's verdict, beside the form.
    auto* side = new QGroupBox(tr("Firmware checker"), this);
    auto* side_layout = new QVBoxLayout(side);
    for (const auto& [gen, label] :
         std::vector<std::pair<QString, QString>>{{"legacy", tr("Legacy BIOS")},
                                                  {"uefi", tr("UEFI BIOS")},
                                                  {"mebx", tr("Modern MEBx")}}) {
        auto* l = new QLabel(side);
        l->setWordWrap(true);
        l->setObjectName("verdict-" + gen);
        l->setProperty("generation_label", label);
        side_layout->addWidget(l);
        verdicts_[gen] = l;
    }
    findings_ = new QPlainTextEdit(side);
    findings_->setReadOnly(true);
    findings_->setTabChangesFocus(true);
    side_layout->addWidget(findings_, 1);
    body->addWidget(side, 2);

    auto* buttons = new QHBoxLayout;
    auto* load = new QPushButton(tr("&Load profile..."), this);
    auto* save = new QPushButton(tr("Sav&e profile..."), this);
    auto* save_bin = new QPushButton(tr("Save setup.&bin..."), this);
    use_ = new QPushButton(tr("Save and write to stic&ks..."), this);
    buttons->addWidget(load);
    buttons->addWidget(save);
    buttons->addWidget(save_bin);
    buttons->addWidget(use_);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    buttons->addWidget(status_, 1);
    outer->addLayout(buttons);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(300);
    connect(debounce_, &QTimer::timeout, this, &SetupBinForm::check_now);
    connect(version_, &QComboBox::currentTextChanged, this, &SetupBinForm::changed);
    connect(firmware_, &QComboBox::currentTextChanged, this, &SetupBinForm::changed);
    connect(records_, &QSpinBox::valueChanged, this, &SetupBinForm::changed);
    for (QCheckBox* c : {reusable_, scramble_, force_})
        connect(c, &QCheckBox::toggled, this, &SetupBinForm::changed);
    connect(cert_password_file_, &QLineEdit::textChanged, this, &SetupBinForm::changed);
    connect(cert_values_, &QPlainTextEdit::textChanged, this, &SetupBinForm::changed);
    connect(vars_, &QPlainTextEdit::textChanged, this, &SetupBinForm::changed);
    connect(add_cert, &QPushButton::clicked, this, &SetupBinForm::choose_cert_file);
    connect(remove_cert, &QPushButton::clicked, this, [this] {
        delete cert_files_->currentItem();
        changed();
    });
    connect(load, &QPushButton::clicked, this, &SetupBinForm::choose_load_profile);
    connect(save, &QPushButton::clicked, this, &SetupBinForm::choose_save_profile);
    connect(save_bin, &QPushButton::clicked, this, &SetupBinForm::choose_save_setup_bin);
    connect(use_, &QPushButton::clicked, this, &SetupBinForm::use_for_writing);
    check_now();
}

void SetupBinForm::add_field(QWidget* page, const sb::VariableInfo& info) {
    auto* form = static_cast<QFormLayout*>(page->layout());
    const std::string key(info.key);
    Field f;
    f.info = &info;
    auto* row = new QWidget(page);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    QWidget* editor = nullptr;
    if (!info.values.empty()) {
        f.combo = new QComboBox(row);
        f.combo->setEditable(true);
        f.combo->addItem(QString());
        for (const auto& v : info.values) f.combo->addItem(qs(v.name));
        f.combo->setInsertPolicy(QComboBox::NoInsert);
        editor = f.combo;
        connect(f.combo, &QComboBox::currentTextChanged, this, [this, key] {
            validate(fields_.at(key));
            changed();
        });
    } else {
        f.edit = new QLineEdit(row);
        f.edit->setPlaceholderText(qs(pv::setting_type_name(info)));
        if (info.secret) f.edit->setEchoMode(QLineEdit::Password);
        editor = f.edit;
        connect(f.edit, &QLineEdit::textChanged, this, [this, key] {
            validate(fields_.at(key));
            changed();
        });
    }
    editor->setObjectName(qs(key));
    editor->setToolTip(qs(std::to_string(info.module) + "/" + std::to_string(info.variable) + " " +
                          std::string(info.name) + " (since v" +
                          std::string(sb::version_info(info.since).name) +
                          "): " + std::string(info.note)));
    h->addWidget(editor, 1);
    if (info.secret) {
        f.file = new QLineEdit(row);
        f.file->setObjectName(qs(key + "-file"));
        f.file->setPlaceholderText(tr("or a file holding it"));
        auto* browse = new QPushButton(tr("File..."), row);
        h->addWidget(f.file, 1);
        h->addWidget(browse);
        connect(f.file, &QLineEdit::textChanged, this, [this, key] {
            Field& field = fields_.at(key);
            field.edit->setEnabled(field.file->text().isEmpty());
            changed();
        });
        connect(browse, &QPushButton::clicked, this, [this, key] {
            const QString path = QFileDialog::getOpenFileName(this, tr("The file of the secret"));
            if (!path.isEmpty()) fields_.at(key).file->setText(path);
        });
    }
    auto* label = new QLabel(qs(std::string(info.name)), page);
    label->setBuddy(editor);
    form->addRow(label, row);
    f.problem = new QLabel(page);
    f.problem->setWordWrap(true);
    f.problem->setStyleSheet("color: #b00020");
    f.problem->hide();
    form->addRow(QString(), f.problem);
    fields_[key] = f;
}

QString SetupBinForm::text_of(const Field& f) const {
    return f.combo ? f.combo->currentText().trimmed() : f.edit->text();
}

void SetupBinForm::validate(Field& f) {
    const QString text = text_of(f);
    QString why;
    if (!text.isEmpty()) {
        try {
            (void)pv::encode_setting(*f.info, text.toStdString(), "--" + std::string(f.info->key));
        } catch (const pv::Error& e) {
            why = qs(e.message());
            // A message never shows a secret typed.
            if (f.info->secret) why.replace(text, "***");
        }
    }
    f.problem->setText(why);
    f.problem->setVisible(!why.isEmpty());
}

QWidget* SetupBinForm::field(const std::string& key) const {
    const auto it = fields_.find(key);
    if (it == fields_.end()) return nullptr;
    return it->second.combo ? static_cast<QWidget*>(it->second.combo) : it->second.edit;
}

QLineEdit* SetupBinForm::secret_file(const std::string& key) const {
    const auto it = fields_.find(key);
    return it == fields_.end() ? nullptr : it->second.file;
}

QString SetupBinForm::field_problem(const std::string& key) const {
    const auto it = fields_.find(key);
    return it == fields_.end() ? QString() : it->second.problem->text();
}

QString SetupBinForm::verdict(const QString& generation) const {
    const auto it = verdicts_.find(generation);
    return it == verdicts_.end() ? QString() : it->second->text();
}

pv::CreateSettings SetupBinForm::settings() const {
    pv::CreateSettings s;
    s.version = version_->currentText().toStdString();
    s.firmware = firmware_->currentText().trimmed().toStdString();
    s.records = static_cast<std::uint32_t>(records_->value());
    s.reusable = reusable_->isChecked();
    s.scramble = scramble_->isChecked();
    s.force = force_->isChecked();
    for (const auto& [key, f] : fields_) {
        const std::string text = text_of(f).toStdString();
        if (f.info->secret) {
            const std::string file = f.file->text().trimmed().toStdString();
            if (!file.empty())
                s.secret_files[key] = file;
            else if (!text.empty())
                s.secret_values[key] = text;
        } else if (!text.empty()) {
            s.values[key] = text;
        }
    }
    for (int i = 0; i < cert_files_->count(); ++i)
        s.cert_hashes.push_back(cert_files_->item(i)->data(Qt::UserRole).toString().toStdString());
    s.cert_password_file = cert_password_file_->text().trimmed().toStdString();
    s.cert_hash_values = std_lines(cert_values_);
    s.vars = std_lines(vars_);
    return s;
}

void SetupBinForm::set_settings(const pv::CreateSettings& given) {
    // A profile's paths, found as the command line finds them, so that the form saved elsewhere
    // names the same files.
    const pv::CreateSettings s = pv::with_absolute_paths(given);
    filling_ = true;
    version_->setCurrentText(qs(s.version));
    firmware_->setCurrentText(qs(s.firmware));
    records_->setValue(static_cast<int>(s.records));
    reusable_->setChecked(s.reusable);
    scramble_->setChecked(s.scramble);
    force_->setChecked(s.force);
    auto get = [](const std::map<std::string, std::string>& m, const std::string& k) {
        const auto it = m.find(k);
        return it == m.end() ? QString() : qs(it->second);
    };
    for (auto& [key, f] : fields_) {
        if (f.info->secret) {
            // A profile's secret file, relative to the profile, as the command line reads it.
            f.file->setText(get(s.secret_files, key));
            f.edit->setText(get(s.secret_values, key));
        } else if (f.combo) {
            f.combo->setCurrentText(get(s.values, key));
        } else {
            f.edit->setText(get(s.values, key));
        }
        validate(f);
    }
    cert_files_->clear();
    for (const auto& spec : s.cert_hashes) {
        auto* item = new QListWidgetItem(qs(spec), cert_files_);
        item->setData(Qt::UserRole, qs(spec));
    }
    cert_password_file_->setText(qs(s.cert_password_file));
    cert_values_->setPlainText(joined(s.cert_hash_values));
    vars_->setPlainText(joined(s.vars));
    filling_ = false;
    check_now();
}

bool SetupBinForm::add_cert_file(const QString& spec, QString& error) {
    // The file's root CA, found the way the command line finds it (not forced).
    const std::string path = spec.section(':', 0, 0).toStdString();
    try {
        pv::CertificateReadOptions read;
        read.password_file = cert_password_file_->text().trimmed().toStdString();
        const pv::CertificateFile certs = pv::read_certificate_file(path, read);
        const pv::RootChoice choice = pv::choose_root(certs.certificates);
        if (!choice.root && !force_->isChecked()) {
            error = qs(path + ": " + choice.problem);
            return false;
        }
        const auto& cert = certs.certificates[choice.root ? *choice.root : choice.top];
        auto* item = new QListWidgetItem(spec + "  \u2192  " + qs(cert.subject) + "  (sha256 " +
                                             qs(sb::to_hex(pv::digest("sha256", cert.der))) + ")",
                                         cert_files_);
        item->setData(Qt::UserRole, spec);
        item->setToolTip(qs(pv::describe_certificates(certs.certificates)));
    } catch (const pv::Error& e) {
        error = QString::fromLocal8Bit(e.what());
        return false;
    }
    changed();
    return true;
}

void SetupBinForm::choose_cert_file() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("A certificate, a chain, a .p7b or a .pfx file"), QString(),
        tr("Certificates (*.pem *.crt *.cer *.der *.p7b *.pfx *.p12);;All files (*)"));
    if (path.isEmpty()) return;
    QString error;
    if (!add_cert_file(path, error)) say(tr("Not added: %1").arg(error));
}

void SetupBinForm::changed() {
    if (filling_) return;
    debounce_->start();
}

void SetupBinForm::say(const QString& text) {
    status_->setText(text);
}

std::optional<pv::BuiltSetupBin> SetupBinForm::build(QString& error) const {
    try {
        pv::SilentReporter quiet;
        return pv::build_setupbin(settings(), quiet);
    } catch (const std::exception& e) {
        error = QString::fromLocal8Bit(e.what());
        return std::nullopt;
    }
}

void SetupBinForm::check_now() {
    debounce_->stop();
    // Each raw entry, as the command line parses it.
    QStringList raw;
    for (const QString& l : lines_of(vars_)) try {
            (void)pv::parse_raw_var(l.toStdString());
        } catch (const pv::Error& e) {
            raw << QString::fromLocal8Bit(e.what());
        }
    raw_problem_->setText(raw.join('\n'));
    // Every generation's verdict, whatever the file is checked for.
    pv::CreateSettings s = settings();
    s.firmware = "all";
    QString error;
    std::optional<pv::BuiltSetupBin> built;
    try {
        pv::SilentReporter quiet;
        built = pv::build_setupbin(s, quiet);
    } catch (const std::exception& e) {
        error = QString::fromLocal8Bit(e.what());
    }
    QStringList findings;
    for (auto& [gen, label] : verdicts_) {
        const QString name = label->property("generation_label").toString();
        if (!built) {
            label->setText(name + ": " + tr("not checked"));
            label->setStyleSheet("color: #555");
            continue;
        }
        const auto& c = built->check;
        const auto& v = gen == "legacy" ? c.legacy : gen == "uefi" ? c.uefi : c.mebx;
        const sb::Firmware fw = gen == "legacy" ? sb::Firmware::legacy
                                : gen == "uefi" ? sb::Firmware::uefi
                                                : sb::Firmware::mebx;
        int errors = 0;
        int warnings = 0;
        for (const auto& p : c.problems) {
            if (p.firmware != fw && p.firmware != sb::Firmware::format) continue;
            if (p.severity == sb::Severity::error) ++errors;
            if (p.severity == sb::Severity::warning) ++warnings;
        }
        const bool usable = v && v->usable && errors == 0;
        QString text =
            name + ": " +
            (usable ? tr("applies record %1").arg(v->next_record.value_or(1)) : tr("NOT usable"));
        text += QStringLiteral(" (%1, %2)")
                    .arg(counted(static_cast<std::uint64_t>(errors), "error"),
                         counted(static_cast<std::uint64_t>(warnings), "warning"));
        label->setText(text);
        label->setStyleSheet(usable ? (warnings ? "color: #8a5a00" : "color: #1b5e20")
                                    : "color: #b00020; font-weight: bold");
    }
    if (built) {
        for (const auto& p : built->check.problems)
            if (p.severity != sb::Severity::info) findings << qs(p.str());
        for (const auto& w : built->warnings) findings << qs(w);
        say(tr("%1 bytes, version %2").arg(built->bytes.size()).arg(qs(built->version)));
    } else {
        findings << error;
        say(error);
    }
    // No message shows a secret typed.
    for (const auto& [key, secret] : s.secret_values)
        for (QString& line : findings) line.replace(qs(secret), "***");
    status_->setText([&] {
        QString t = status_->text();
        for (const auto& [key, secret] : s.secret_values) t.replace(qs(secret), "***");
        return t;
    }());
    findings_->setPlainText(findings.join('\n'));
}

bool SetupBinForm::load_profile(const QString& path, QString& error) {
    try {
        pv::CreateSettings s;
        s.config = path.toStdString();
        const pv::Profile profile = pv::read_profile(s.config);
        for (const auto& item : pv::apply_profile(profile, s, {}, false))
            throw pv::Error(pv::Status::bad_argument, s.config + ": " + item.key,
                            "not a setting of a profile");
        set_settings(s);
    } catch (const std::exception& e) {
        error = QString::fromLocal8Bit(e.what());
        return false;
    }
    say(tr("Loaded %1").arg(path));
    return true;
}

bool SetupBinForm::save_profile(const QString& path, QStringList& left_out, QString& error) {
    try {
        // Paths as absolute ones: the profile may be saved anywhere.
        const pv::CreateSettings s = pv::with_absolute_paths(settings());
        for (const auto& k : pv::write_profile(path.toStdString(), s, true)) left_out << qs(k);
    } catch (const std::exception& e) {
        error = QString::fromLocal8Bit(e.what());
        return false;
    }
    say(left_out.isEmpty()
            ? tr("Saved %1").arg(path)
            : tr("Saved %1 without the secrets typed (%2): a profile names only secret files")
                  .arg(path, left_out.join(", ")));
    return true;
}

bool SetupBinForm::save_setup_bin(const QString& path, QString& error) {
    const std::optional<pv::BuiltSetupBin> built = build(error);
    if (!built) return false;
    if (!built->check.ok() && !force_->isChecked()) {
        error =
            tr("The checker found errors for the firmware chosen (listed beside the form); "
               "fix them, or tick Force on the File tab");
        return false;
    }
    try {
        pv::write_file_atomic(path.toStdString(), built->bytes, true);
    } catch (const std::exception& e) {
        error = QString::fromLocal8Bit(e.what());
        return false;
    }
    say(tr("Saved %1 (%2 bytes)").arg(path).arg(built->bytes.size()));
    return true;
}

void SetupBinForm::choose_load_profile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load a profile"), QString(),
                                                      tr("Profiles (*.toml);;All files (*)"));
    if (path.isEmpty()) return;
    QString error;
    if (!load_profile(path, error)) say(tr("Not loaded: %1").arg(error));
}

void SetupBinForm::choose_save_profile() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the profile"), QString(),
                                                      tr("Profiles (*.toml)"));
    if (path.isEmpty()) return;
    QString error;
    QStringList left_out;
    if (!save_profile(path, left_out, error)) say(tr("Not saved: %1").arg(error));
}

void SetupBinForm::choose_save_setup_bin() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the setup.bin"), "setup.bin",
                                                      tr("setup.bin (*.bin)"));
    if (path.isEmpty()) return;
    QString error;
    if (!save_setup_bin(path, error)) say(tr("Not saved: %1").arg(error));
}

void SetupBinForm::use_for_writing() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save the setup.bin to write to sticks"), "setup.bin", tr("setup.bin (*.bin)"));
    if (path.isEmpty()) return;
    QString error;
    if (!save_setup_bin(path, error)) {
        say(tr("Not saved: %1").arg(error));
        return;
    }
    emit useSetupBin(path);
}

}  // namespace ukpu::gui
