#include "dialect.hpp"

#include <cctype>

namespace ukpu::keys::sql {

std::string to_postgresql(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int next = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (!quoted && sql.substr(i, now_sqlite.size()) == now_sqlite) {
            out += now_postgresql;
            i += now_sqlite.size() - 1;
            continue;
        }
        if (c == '\'') quoted = !quoted;
        if (quoted || c != '?') {
            out += c;
            continue;
        }
        std::size_t j = i + 1;
        while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
        if (j > i + 1) {
            const int n = std::stoi(std::string(sql.substr(i + 1, j - i - 1)));
            if (n > next) next = n;
            out += '$';
            out += sql.substr(i + 1, j - i - 1);
            i = j - 1;
        } else {
            out += '$' + std::to_string(++next);
        }
    }
    return out;
}

}  // namespace ukpu::keys::sql
