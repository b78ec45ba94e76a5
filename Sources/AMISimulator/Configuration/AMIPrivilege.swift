/// Asterisk's manager permission classes (`read=`/`write=` in manager.conf, `Events:` masks,
/// the `Privilege:` header of events).
///
/// The simulator needs them to decide, like `manager.c`, which events a session receives
/// (the user's read permission AND the session's event mask must cover the event's class)
/// and which actions a user may run (write permission).
public struct AMIPrivilege: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    public static let system = AMIPrivilege(rawValue: 1 << 0)
    public static let call = AMIPrivilege(rawValue: 1 << 1)
    public static let log = AMIPrivilege(rawValue: 1 << 2)
    public static let verbose = AMIPrivilege(rawValue: 1 << 3)
    public static let command = AMIPrivilege(rawValue: 1 << 4)
    public static let agent = AMIPrivilege(rawValue: 1 << 5)
    public static let user = AMIPrivilege(rawValue: 1 << 6)
    public static let config = AMIPrivilege(rawValue: 1 << 7)
    public static let dtmf = AMIPrivilege(rawValue: 1 << 8)
    public static let reporting = AMIPrivilege(rawValue: 1 << 9)
    public static let cdr = AMIPrivilege(rawValue: 1 << 10)
    public static let dialplan = AMIPrivilege(rawValue: 1 << 11)
    public static let originate = AMIPrivilege(rawValue: 1 << 12)
    public static let agi = AMIPrivilege(rawValue: 1 << 13)
    public static let cc = AMIPrivilege(rawValue: 1 << 14)
    public static let aoc = AMIPrivilege(rawValue: 1 << 15)
    public static let test = AMIPrivilege(rawValue: 1 << 16)
    public static let security = AMIPrivilege(rawValue: 1 << 17)
    public static let message = AMIPrivilege(rawValue: 1 << 18)
    /// Every class (`all`, `on`).
    public static let all = AMIPrivilege(rawValue: (1 << 19) - 1)

    /// Class names in Asterisk's order (`authority_to_str`).
    static let names: [(String, AMIPrivilege)] = [
        ("system", .system), ("call", .call), ("log", .log), ("verbose", .verbose),
        ("command", .command), ("agent", .agent), ("user", .user), ("config", .config),
        ("dtmf", .dtmf), ("reporting", .reporting), ("cdr", .cdr), ("dialplan", .dialplan),
        ("originate", .originate), ("agi", .agi), ("cc", .cc), ("aoc", .aoc), ("test", .test),
        ("security", .security), ("message", .message),
    ]

    /// Parses an `Events:`/`EventMask:` value or a manager.conf permission list: `on`/`yes`/
    /// `true`/`all`, `off`/`no`/`false`/`none`, a number, or comma-separated class names.
    /// Unknown names are ignored, as Asterisk does; nil when nothing usable was given.
    public init?(parsing text: String) {
        let trimmed = text.trimmingSpaces().lowercased()
        switch trimmed {
        case "on", "yes", "true", "all", "1":
            self = .all
            return
        case "off", "no", "false", "none", "0":
            self = []
            return
        default:
            break
        }
        if let number = Int(trimmed) {
            self = number < 0 ? .all : AMIPrivilege(rawValue: number).intersection(.all)
            return
        }
        var result: AMIPrivilege = []
        var recognised = false
        for part in trimmed.split(separator: ",") {
            let name = String(part).trimmingSpaces()
            if name == "all" {
                result = .all
                recognised = true
            } else if let match = Self.names.first(where: { $0.0 == name }) {
                result.insert(match.1)
                recognised = true
            }
        }
        guard recognised else { return nil }
        self = result
    }

    /// The `Privilege:` header value of an event of this class, e.g. `call,all`.
    var privilegeHeader: String {
        let parts = Self.names.filter { self.contains($0.1) }.map(\.0)
        return (parts + ["all"]).joined(separator: ",")
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
