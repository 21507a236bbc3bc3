// ukpu-docgen: writes ukpu's manual page and bash completion from the command line's own
// definition (define_commands, the CLI11 objects `ukpu` parses with), so that neither can drift
// from `ukpu --help`. Built with the command line, run at build time, never installed.
//
//   ukpu-docgen man TEMPLATE OUT          TEMPLATE's @VERSION@, @GLOBAL_OPTIONS@, @COMMANDS@
//   ukpu-docgen bash-completion TEMPLATE OUT   TEMPLATE's @COMMAND_TABLES@
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app_definition.hpp"

namespace {

using ukpu::cli::Command;
using ukpu::cli::GlobalOptions;

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
    return app.get_options([&](const CLI::Option* o) {
        return !o->get_group().empty() && o != app.get_help_ptr() && o != app.get_help_all_ptr();
    });
}

bool takes_value(const CLI::Option* o) { return o->get_items_expected_max() > 0; }

std::vector<std::string> option_names(const CLI::Option* o) {
    std::vector<std::string> names;
    for (const auto& s : o->get_snames()) names.push_back("-" + s);
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    return names;
}

// The value's name as the help shows it: the option's type name without validator notes.
std::string value_name(const CLI::Option* o) {
    std::string t = o->get_type_name();
    if (t.empty()) t = "VALUE";
    return t;
}

std::string roff_escape(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
    }
    return out;
}

// A paragraph of text: escaped, with no line starting with a control character.
std::string roff_text(const std::string& text) {
    std::string out;
    std::istringstream in(text);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (!first) out += "\n";
        first = false;
        std::string e = roff_escape(line);
        if (!e.empty() && (e[0] == '.' || e[0] == '\'')) e = "\\&" + e;
        if (e.empty()) e = ".br";
        out += e;
    }
    return out;
}

std::string roff_option(const CLI::Option* o) {
    std::string out = ".TP\n";
    if (o->get_positional()) {
        out += "\\fI" + roff_escape(o->get_name(true)) + "\\fR";
    } else {
        std::string names;
        for (const auto& n : option_names(o)) {
            if (!names.empty()) names += ", ";
            names += "\\fB" + roff_escape(n) + "\\fR";
        }
        out += names;
        if (takes_value(o)) out += " \\fI" + roff_escape(value_name(o)) + "\\fR";
    }
    out += "\n" + roff_text(o->get_description());
    std::string notes;
    if (o->get_required()) notes += "required";
    if ((o->get_items_expected_max() > 1 || o->get_expected_max() > 1) &&
        o->get_description().find("repeatable") == std::string::npos) {
        if (!notes.empty()) notes += "; ";
        notes += "repeatable";
    }
    if (!o->get_default_str().empty() && takes_value(o)) {
        if (!notes.empty()) notes += "; ";
        notes += "default: " + o->get_default_str();
    }
    if (!notes.empty()) out += "\n(" + roff_escape(notes) + ")";
    return out + "\n";
}

std::string path_of(const CLI::App& app) {
    std::vector<std::string> words;
    for (const CLI::App* a = &app; a->get_parent() != nullptr; a = a->get_parent())
        words.insert(words.begin(), a->get_name());
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

void man_command(const CLI::App& app, std::string& out) {
    const auto subs = visible_subcommands(app);
    const auto options = visible_options(app);
    if (!subs.empty() && options.empty()) {
        // A group of commands (setupbin, keys): what it is and its commands.
        std::string names;
        for (const CLI::App* sub : subs) names += (names.empty() ? "" : ", ") + sub->get_name();
        out += ".SS \"" + roff_escape("ukpu " + path_of(app) + " COMMAND") + "\"\n";
        out += roff_text(app.get_description()) + "\n.PP\nCommands: " + roff_escape(names) +
               ".\n";
    }
    if (subs.empty() || !options.empty()) {
        std::string synopsis = "ukpu " + path_of(app);
        if (!options.empty()) synopsis += " [options]";
        for (const CLI::Option* o : options)
            if (o->get_positional()) synopsis += " " + o->get_name(true);
        out += ".SS \"" + roff_escape(synopsis) + "\"\n";
        out += roff_text(app.get_description()) + "\n";
        // Options in the groups the help shows them in, in order of first appearance.
        std::vector<std::string> groups;
        for (const CLI::Option* o : options)
            if (std::find(groups.begin(), groups.end(), o->get_group()) == groups.end())
                groups.push_back(o->get_group());
        for (const auto& group : groups) {
            if (group != "Options" && group != "OPTIONS")
                out += ".PP\n\\fI" + roff_escape(group) + ":\\fR\n";
            for (const CLI::Option* o : options)
                if (o->get_group() == group) out += roff_option(o);
        }
        if (!app.get_footer().empty()) out += ".PP\n" + roff_text(app.get_footer()) + "\n";
    }
    for (const CLI::App* sub : subs) man_command(*sub, out);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void replace(std::string& text, const std::string& marker, const std::string& with) {
    const auto at = text.find(marker);
    if (at == std::string::npos) throw std::runtime_error("template has no " + marker);
    text.replace(at, marker.size(), with);
}

std::string man_page(const CLI::App& app, std::string text) {
    std::string global;
    for (const CLI::Option* o : visible_options(app)) global += roff_option(o);
    // --version and --help are the app's own: listed with the global options.
    global += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint the help of ukpu or of the command "
              "before it and exit\n";
    std::string commands;
    for (const CLI::App* sub : visible_subcommands(app)) man_command(*sub, commands);
    replace(text, "@VERSION@", UKPU_VERSION);
    replace(text, "@GLOBAL_OPTIONS@", global);
    replace(text, "@COMMANDS@", commands);
    return text;
}

// What a value-taking option completes to: a kind the completion script knows.
std::string value_kind(const CLI::Option* o) {
    const auto names = option_names(o);
    auto has = [&](const std::string& n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    };
    if (has("--device")) return "device";
    if (has("--firmware")) return "firmware";
    if (has("--journal")) return "dir";
    const std::string type = o->get_type_name();
    const auto brace = type.find('{');
    if (brace != std::string::npos && type.back() == '}') {
        std::string values = type.substr(brace + 1, type.size() - brace - 2);
        std::replace(values.begin(), values.end(), ',', ' ');
        return "choice:" + values;
    }
    if (type.find("FILE") != std::string::npos || type.find("PATH") != std::string::npos)
        return "file";
    for (const auto& n : names)
        if (n.size() > 5 && n.compare(n.size() - 5, 5, "-file") == 0) return "file";
    for (const char* n : {"--image", "-o", "--output", "--config", "--setup-bin", "--add",
                          "--store", "--cert-hash"})
        if (has(n)) return "file";
    return "text";
}

std::string bash_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

void bash_tables(const CLI::App& app, std::string& subcommands, std::string& options,
                 std::string& values, std::string& positionals) {
    // Keys are the command path with the program's name first ("ukpu", "ukpu keys write"): bash
    // allows no empty key.
    const std::string path = path_of(app).empty() ? "ukpu" : "ukpu " + path_of(app);
    const std::string key = bash_quote(path);
    std::string subs;
    for (const CLI::App* s : visible_subcommands(app)) subs += (subs.empty() ? "" : " ") + s->get_name();
    subcommands += "    [" + key + "]=" + bash_quote(subs) + "\n";
    std::string opts;
    for (const CLI::Option* o : visible_options(app)) {
        if (o->get_positional()) {
            positionals += "    [" + key + "]=" + bash_quote(value_kind(o)) + "\n";
            continue;
        }
        for (const auto& n : option_names(o)) {
            opts += (opts.empty() ? "" : " ") + n;
            if (takes_value(o))
                values += "    [" + bash_quote(path + " " + n) + "]=" +
                          bash_quote(value_kind(o)) + "\n";
        }
    }
    opts += (opts.empty() ? "" : " ") + std::string("--help");
    options += "    [" + key + "]=" + bash_quote(opts) + "\n";
    for (const CLI::App* s : visible_subcommands(app))
        bash_tables(*s, subcommands, options, values, positionals);
}

std::string bash_completion(const CLI::App& app, std::string text) {
    std::string subcommands, options, values, positionals;
    bash_tables(app, subcommands, options, values, positionals);
    const std::string tables =
        "# Generated by ukpu-docgen from the command line's definition: do not edit.\n"
        "declare -gA _ukpu_subcommands=(\n" + subcommands + ")\n"
        "declare -gA _ukpu_options=(\n" + options + ")\n"
        "declare -gA _ukpu_values=(\n" + values + ")\n"
        "declare -gA _ukpu_positionals=(\n" + positionals + ")\n";
    replace(text, "@COMMAND_TABLES@", tables);
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: ukpu-docgen man|bash-completion TEMPLATE OUT\n";
        return 2;
    }
    try {
        GlobalOptions g;
        CLI::App app;
        const std::vector<Command> commands = ukpu::cli::define_commands(app, g);
        const std::string what = argv[1];
        const std::string text = read_file(argv[2]);
        std::string out;
        if (what == "man") out = man_page(app, text);
        else if (what == "bash-completion") out = bash_completion(app, text);
        else throw std::runtime_error("unknown output " + what);
        std::ofstream f(argv[3]);
        f << out;
        if (!f.flush()) throw std::runtime_error(std::string("cannot write ") + argv[3]);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "ukpu-docgen: " << e.what() << "\n";
        return 1;
    }
}
