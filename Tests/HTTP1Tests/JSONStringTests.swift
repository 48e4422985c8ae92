import Testing

@testable import HTTP1

@Suite struct JSONStringTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("", #""""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"C:\dir"#, #""C:\\dir""#),
        ("a\nb\rc\td", #""a\nb\rc\td""#),
        ("\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", #""\u0000\u0001\u0008\u000c\u001f\u007f""#),
        ("é€😀", "\"é€😀\""),
        ("a\u{2028}b\u{2029}", #""a\u2028b\u2029""#),
        ("</script>", #""</script>""#),
    ])
    func escapes(_ input: String, _ expected: String) {
        #expect(JSONString.escape(input) == expected)
    }
}
