import PBXCore
import Testing

@Suite struct MD5Tests {
    /// Should give RFC 1321's test-suite digests, across the one- and two-block padding edges.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        (
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            "d174ab98d277d9f5a5611c2c9f419d9f"
        ),
        (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func rfc1321Vectors(text: String, expected: String) {
        #expect(MD5.hex(text) == expected)
    }

    /// Should compute the key the real Asterisk accepted in the md5-login capture.
    @Test func asteriskLoginKey() {
        #expect(MD5.hex("577092151" + "bridgepw") == "19c6650db8d3fbf22c919e0ff6c68efc")
    }

    /// Should hash every length around the 55/56/64-byte padding boundaries like a
    /// byte-at-a-time reference would (digests of growing prefixes all differ).
    @Test func paddingBoundaries() {
        var seen: Set<String> = []
        for length in 50...130 {
            let digest = MD5.hex(String(repeating: "x", count: length))
            #expect(digest.count == 32)
            #expect(seen.insert(digest).inserted)
        }
        #expect(MD5.digest(Array(String(repeating: "a", count: 64).utf8)).count == 16)
        #expect(MD5.hex(String(repeating: "a", count: 64)) == "014842d480b571495a4a0363793f7367")
    }
}
