#include "ukpu/keys/store_location.hpp"

#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::keys {

namespace {

constexpr std::string_view schemes[] = {"postgresql://", "postgres://"};

bool starts_with_scheme(const std::string& text) {
    for (auto s : schemes)
        if (text.rfind(s, 0) == 0) return true;
    return false;
}

// [begin, end) of the password in user:password@ of the URL's authority, or npos.
std::pair<std::size_t, std::size_t> userinfo_password(const std::string& url) {
    const std::size_t start = url.find("://") + 3;
    const std::size_t authority_end = url.find_first_of("/?", start);
    const std::string_view authority = std::string_view(url).substr(
        start, authority_end == std::string::npos ? std::string::npos : authority_end - start);
    const std::size_t at = authority.rfind('@');
    if (at == std::string_view::npos) return {std::string::npos, std::string::npos};
    const std::size_t colon = authority.substr(0, at).find(':');
    if (colon == std::string_view::npos) return {std::string::npos, std::string::npos};
    return {start + colon + 1, start + at};
}

// [begin, end) of the value of a password= parameter in the URL's query, or npos.
std::pair<std::size_t, std::size_t> query_password(const std::string& url) {
    const std::size_t q = url.find('?');
    if (q == std::string::npos) return {std::string::npos, std::string::npos};
    std::size_t i = q + 1;
    while (i < url.size()) {
        std::size_t end = url.find('&', i);
        if (end == std::string::npos) end = url.size();
        if (url.compare(i, 9, "password=") == 0) return {i + 9, end};
        i = end + 1;
    }
    return {std::string::npos, std::string::npos};
}

}  // namespace

StoreLocation::StoreLocation(std::filesystem::path file) {
    if (file.native().find("://") != std::string::npos)
        *this = parse(file.native());
    else
        file_ = std::move(file);
}

StoreLocation StoreLocation::parse(const std::string& text) {
    if (text.empty()) return StoreLocation(default_store_path());
    if (starts_with_scheme(text)) {
        if (userinfo_password(text).first != std::string::npos ||
            query_password(text).first != std::string::npos)
            throw Error(ErrorCode::bad_argument,
                        "a password in the store's URL is refused (it would show in the process "
                        "list and the shell's history): put it in PGPASSWORD or ~/.pgpass "
                        "(PGPASSFILE) instead",
                        redact_url(text));
        StoreLocation l;
        l.url_ = text;
        return l;
    }
    if (text.find("://") != std::string::npos)
        throw Error(ErrorCode::bad_argument,
                    "not a key store: give a SQLite file or a postgresql:// URL",
                    text.substr(0, text.find("://") + 3) + "...");
    return StoreLocation(std::filesystem::path(text));
}

std::string redact_url(const std::string& url) {
    std::string out = url;
    if (!starts_with_scheme(out)) return out;
    // The query's password first: it comes after the user's.
    if (auto [b, e] = query_password(out); b != std::string::npos) out.replace(b, e - b, "***");
    if (auto [b, e] = userinfo_password(out); b != std::string::npos) out.replace(b, e - b, "***");
    return out;
}

}  // namespace ukpu::keys
