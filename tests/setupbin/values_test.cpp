// Typed values and their encoders: strings as raw ASCII without NUL, integers little-endian of
// exactly their size, IP addresses with their bytes reversed, certificate-hash entries.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::setupbin {
namespace {

template <typename F>
Error thrown(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no error thrown";
    return Error(ErrorCode::rule, "none");
}

TEST(Values, Strings) {
    EXPECT_EQ(encode_string("admin"), (Bytes{0x61, 0x64, 0x6d, 0x69, 0x6e}));
    EXPECT_EQ(decode_string(Bytes{0x61, 0x64, 0x6d, 0x69, 0x6e}), "admin");
}

TEST(Values, Integers) {
    EXPECT_EQ(encode_uint(9971, 2), (Bytes{0xf3, 0x26}));  // the 2/18 port, u16 little-endian
    EXPECT_EQ(decode_uint(Bytes{0xf3, 0x26}, 2), 9971u);
    EXPECT_EQ(encode_uint(0x01020304, 4), (Bytes{0x04, 0x03, 0x02, 0x01}));
    EXPECT_EQ(decode_uint(Bytes{0x04, 0x03, 0x02, 0x01}, 4), 0x01020304u);
    EXPECT_EQ(decode_uint(Bytes{0xff}, 1), 255u);
    const Error e = thrown([] { decode_uint(Bytes{0x01, 0x00}, 1); });
    EXPECT_EQ(e.code(), ErrorCode::bad_length);
    EXPECT_NE(e.message().find("exactly 1 bytes, found 2"), std::string::npos) << e.message();
    EXPECT_EQ(thrown([] { encode_uint(256, 1); }).code(), ErrorCode::bad_argument);
    EXPECT_EQ(thrown([] { decode_uint(Bytes{1, 2, 3}, 3); }).code(), ErrorCode::bad_argument);
}

TEST(Values, Ipv4IsStoredReversed) {
    const IpAddress ip = IpAddress::parse("192.168.1.10");
    EXPECT_FALSE(ip.v6);
    EXPECT_EQ(encode_ip(ip), (Bytes{0x0a, 0x01, 0xa8, 0xc0}));  // 2/17: bytes reversed
    EXPECT_EQ(decode_ip(Bytes{0x0a, 0x01, 0xa8, 0xc0}).str(), "192.168.1.10");
    EXPECT_EQ(decode_ip(Bytes{0x0a, 0x01, 0xa8, 0xc0}), ip);
}

TEST(Values, Ipv6IsStoredReversed) {
    const IpAddress ip = IpAddress::parse("2001:db8::1");
    EXPECT_TRUE(ip.v6);
    const Bytes expected = {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xb8, 0x0d, 0x01, 0x20};
    EXPECT_EQ(encode_ip(ip), expected);
    EXPECT_EQ(decode_ip(expected).str(), "2001:db8::1");
}

TEST(Values, BadIpAddresses) {
    EXPECT_EQ(thrown([] { IpAddress::parse("192.168.1"); }).code(), ErrorCode::bad_argument);
    EXPECT_EQ(thrown([] { IpAddress::parse("300.1.1.1"); }).code(), ErrorCode::bad_argument);
    EXPECT_EQ(thrown([] { IpAddress::parse("fe80:::1"); }).code(), ErrorCode::bad_argument);
    const Error e = thrown([] { decode_ip(Bytes{1, 2, 3, 4, 5}); });
    EXPECT_EQ(e.code(), ErrorCode::bad_length);
    EXPECT_NE(e.message().find("found 5"), std::string::npos);
}

TEST(Values, StaticIpv4) {
    const StaticIpv4 s = StaticIpv4::parse("192.168.1.10,24,192.168.1.1,8.8.8.8,1.1.1.1");
    EXPECT_EQ(s.subnet_mask.str(), "255.255.255.0");
    const Bytes expected = {0x0a, 0x01, 0xa8, 0xc0, 0x00, 0xff, 0xff, 0xff, 0x01, 0x01,
                            0xa8, 0xc0, 0x08, 0x08, 0x08, 0x08, 0x01, 0x01, 0x01, 0x01};
    EXPECT_EQ(encode_static_ipv4(s), expected);
    EXPECT_EQ(decode_static_ipv4(expected), s);
    EXPECT_EQ(StaticIpv4::parse("192.168.1.10,255.255.255.0,192.168.1.1,8.8.8.8,1.1.1.1"), s);
    EXPECT_EQ(StaticIpv4::parse("10.0.0.2,/8,10.0.0.1,10.0.0.1").subnet_mask.str(), "255.0.0.0");
    EXPECT_EQ(StaticIpv4::parse("10.0.0.2,/8,10.0.0.1,10.0.0.1").secondary_dns.str(), "0.0.0.0");
    EXPECT_EQ(thrown([] { StaticIpv4::parse("10.0.0.2,8,10.0.0.1"); }).code(),
              ErrorCode::bad_argument);
    EXPECT_EQ(thrown([] { StaticIpv4::parse("10.0.0.2,33,10.0.0.1,1.1.1.1"); }).code(),
              ErrorCode::bad_argument);
    const Error e = thrown([] { decode_static_ipv4(Bytes(16)); });
    EXPECT_EQ(e.code(), ErrorCode::bad_length);
    EXPECT_NE(e.message().find("exactly 20 bytes, found 16"), std::string::npos);
}

TEST(Values, Ipv6Block) {
    const Ipv6Settings s = Ipv6Settings::parse(
        "interface=wired,enabled=1,id-type=2,id=0102,address=2001:db8::10,router=2001:db8::1,"
        "dns1=2001:db8::53");
    const Bytes b = encode_ipv6(s);
    ASSERT_EQ(b.size(), 84u);
    EXPECT_EQ(b[0], 0);     // interface index: wired
    EXPECT_EQ(b[1], 1);     // enabled
    EXPECT_EQ(b[2], 2);     // interface id type
    EXPECT_EQ(b[3], 0x01);  // interface id[0]
    EXPECT_EQ(b[4], 0x02);
    EXPECT_EQ(b[20], 0x10);  // address, reversed: last byte of 2001:db8::10 first
    EXPECT_EQ(b[34], 0x01);
    EXPECT_EQ(b[35], 0x20);
    EXPECT_EQ(b[36], 0x01);  // router
    EXPECT_EQ(b[52], 0x53);  // primary DNS
    EXPECT_EQ(b[68], 0x00);  // secondary DNS: ::
    EXPECT_EQ(decode_ipv6(b), s);
    EXPECT_EQ(decode_ipv6(b).address.str(), "2001:db8::10");
    EXPECT_EQ(thrown([] { decode_ipv6(Bytes(204)); }).code(), ErrorCode::bad_length);
    EXPECT_EQ(thrown([] { Ipv6Settings::parse("address=10.0.0.1"); }).code(),
              ErrorCode::bad_argument);
    EXPECT_EQ(thrown([] { Ipv6Settings::parse("colour=blue"); }).code(), ErrorCode::bad_argument);
}

// The 2/8 entry of the jclab sample file, 45 bytes: 0x02 (SHA-256), 32 hash bytes, 0x0b, a name.
const Bytes jclab_cert = {0x02, 0xe8, 0x35, 0xac, 0x6d, 0x90, 0x50, 0x36, 0xd5, 0x19, 0x21, 0x17,
                          0x43, 0xb8, 0xfa, 0xb8, 0x90, 0x73, 0x95, 0xca, 0x4d, 0x75, 0x42, 0x8b,
                          0xd9, 0xf8, 0x4f, 0x2e, 0x10, 0x7c, 0x65, 0xc1, 0x1e, 0x0b, 0x41, 0x4d,
                          0x54, 0x20, 0x54, 0x65, 0x73, 0x74, 0x20, 0x43, 0x41};

TEST(Values, CertHashOfTheJclabSample) {
    const CertHash c = decode_cert_hash(jclab_cert);
    EXPECT_EQ(c.algorithm, HashAlgorithm::sha256);
    EXPECT_EQ(c.name, "AMT Test CA");
    EXPECT_EQ(to_hex(c.hash), "e835ac6d905036d519211743b8fab8907395ca4d75428bd9f84f2e107c65c11e");
    EXPECT_EQ(encode_cert_hash(c), jclab_cert);
}

TEST(Values, CertHashLengthsAreExact) {
    Bytes longer = jclab_cert;
    longer.push_back(0x41);
    Error e = thrown([&] { decode_cert_hash(longer); });
    EXPECT_EQ(e.code(), ErrorCode::bad_length);
    EXPECT_NE(e.message().find("must be 45 bytes"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("found 46"), std::string::npos) << e.message();

    Bytes bad_alg = jclab_cert;
    bad_alg[0] = 4;
    e = thrown([&] { decode_cert_hash(bad_alg); });
    EXPECT_EQ(e.code(), ErrorCode::bad_value);
    EXPECT_NE(e.message().find("algorithm byte is 4"), std::string::npos);

    EXPECT_EQ(thrown([] { decode_cert_hash(Bytes(21, 1)); }).code(), ErrorCode::bad_length);

    CertHash sha1{HashAlgorithm::sha1, Bytes(20, 0xab), ""};
    EXPECT_EQ(encode_cert_hash(sha1).size(), 22u);  // the 2/8 minimum
    CertHash wrong{HashAlgorithm::sha384, Bytes(32, 0), "x"};
    EXPECT_EQ(thrown([&] { encode_cert_hash(wrong); }).code(), ErrorCode::bad_argument);
}

TEST(Values, HashAlgorithms) {
    EXPECT_EQ(hash_length(HashAlgorithm::sha1), 20u);
    EXPECT_EQ(hash_length(HashAlgorithm::sha256), 32u);
    EXPECT_EQ(hash_length(HashAlgorithm::sha384), 48u);
    EXPECT_EQ(parse_hash_algorithm("SHA-384"), HashAlgorithm::sha384);
    EXPECT_STREQ(to_string(HashAlgorithm::sha256), "sha256");
    EXPECT_EQ(thrown([] { parse_hash_algorithm("md5"); }).code(), ErrorCode::bad_argument);
}

TEST(Values, Hex) {
    EXPECT_EQ(to_hex(Bytes{0x00, 0xab, 0x10}), "00ab10");
    EXPECT_EQ(from_hex("00:AB 10"), (Bytes{0x00, 0xab, 0x10}));
    EXPECT_EQ(thrown([] { from_hex("abc"); }).code(), ErrorCode::bad_argument);
    EXPECT_EQ(thrown([] { from_hex("zz"); }).code(), ErrorCode::bad_argument);
}

// --- names: 2/3, 2/4, 2/12 are DNS names, 2/11 a host name ---

struct NameCase {
    std::string name;
    std::string problem;  // a part of the message; "" when the name is valid
};

TEST(Values, TheCatalogSaysWhichStringsAreNames) {
    EXPECT_EQ(find_variable(2, 3)->text, TextKind::dns_name);
    EXPECT_EQ(find_variable(2, 4)->text, TextKind::dns_name);
    EXPECT_EQ(find_variable(2, 12)->text, TextKind::dns_name);
    EXPECT_EQ(find_variable(2, 11)->text, TextKind::host_name);
    EXPECT_EQ(find_variable(1, 1)->text, TextKind::text);
    EXPECT_EQ(find_variable(2, 31)->text, TextKind::text);
    EXPECT_STREQ(to_string(TextKind::host_name), "host-name");
}

TEST(Values, DnsNames) {
    const std::string l63(63, 'a');
    const std::string l64(64, 'a');
    const NameCase cases[] = {
        {"example.com", ""},
        {"amt-provisioning.test.com", ""},
        {"AMT.Example.COM", ""},
        {"a", ""},
        {"123.example.com", ""},
        {"xn--bcher-kva.example", ""},
        {l63 + ".com", ""},
        {l63 + "." + l63 + "." + l63 + "." + l63, ""},  // 255: the limit
        {"not a fqdn!!", "' ' is not allowed in a DNS name"},
        {"pc_01.example.com", "'_' is not allowed in a DNS name"},
        {"contoso..com", "has an empty label ('..')"},
        {".contoso.com", "starts with a dot"},
        {"contoso.com.", "ends with a dot"},
        {"-amt.example.com", "the label '-amt' starts with a hyphen"},
        {"amt-.example.com", "the label 'amt-' ends with a hyphen"},
        {"amt.-x.com", "the label '-x' starts with a hyphen"},
        {l64 + ".com", "is 64 characters; a label holds at most 63"},
        {l64, "its one label is 64 characters"},
        {l63 + "." + l63 + "." + l63 + "." + l63 + "a", "at most 63"},
        {l63 + "." + l63 + "." + l63 + "." + l63 + ".a", "is 257 characters; at most 255 fit"},
        {"", "empty"},
        {std::string("ex\x01mple.com"), "the byte 0x01 is not allowed"},
        {"b\xc3\xbc"
         "cher.example",
         "the byte 0xc3 is not allowed"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const std::string p = dns_name_problem(c.name, 255);
        if (c.problem.empty()) {
            EXPECT_EQ(p, "");
        } else {
            EXPECT_NE(p.find(c.problem), std::string::npos) << p;
            EXPECT_EQ(text_problem(TextKind::dns_name, c.name, 255), p);
        }
    }
    // The value is quoted at the start, a byte that does not print as \xNN.
    EXPECT_EQ(dns_name_problem("contoso..com"), "'contoso..com': has an empty label ('..')");
    EXPECT_EQ(dns_name_problem(std::string("a\x01")).rfind("'a\\x01': ", 0), 0u);
    // Without a limit the total length is not checked, a label's still is.
    EXPECT_EQ(dns_name_problem(l63 + "." + l63 + "." + l63 + "." + l63 + ".a"), "");
    EXPECT_NE(dns_name_problem(l64), "");
    EXPECT_EQ(text_problem(TextKind::text, "not a fqdn!!"), "");
}

TEST(Values, HostNames) {
    const NameCase cases[] = {
        {"pc-01", ""},
        {"PC01", ""},
        {"7", ""},
        {std::string(63, 'h'), ""},
        {"pc_01", "'pc_01': '_' is not allowed in a host name (letters, digits, hyphens)"},
        {"pc.example.com", "'.' is not allowed in a host name"},
        {"pc 01", "' ' is not allowed in a host name"},
        {"-pc", "must not start with a hyphen"},
        {"pc-", "must not end with a hyphen"},
        {std::string(64, 'h'), "is 64 characters; a host name holds at most 63"},
        {"", "empty"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const std::string p = host_name_problem(c.name, 63);
        if (c.problem.empty()) {
            EXPECT_EQ(p, "");
        } else {
            EXPECT_NE(p.find(c.problem), std::string::npos) << p;
            EXPECT_EQ(text_problem(TextKind::host_name, c.name, 63), p);
        }
    }
    // The MEBx takes 64 bytes; a host name is still one label of at most 63.
    EXPECT_NE(host_name_problem(std::string(64, 'h'), 64), "");
    // Without a limit the length is left to the length rules.
    EXPECT_EQ(host_name_problem(std::string(64, 'h')), "");
}

}  // namespace
}  // namespace ukpu::setupbin
