import Foundation
import PBXTestSupport
import Testing

/// examples/node-red/flows.json: importable in Node-RED's flow format, wired correctly, and
/// using only topics docs/mqtt-api.md defines.
@Suite struct NodeRedFlowsTests {
    static let flowsFile = Fixtures.repositoryRoot.appendingPathComponent("examples/node-red/flows.json")
    static let contractFile = Fixtures.repositoryRoot.appendingPathComponent("docs/mqtt-api.md")

    static func nodes() throws -> [[String: Any]] {
        let data = try Data(contentsOf: self.flowsFile)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    /// Topic patterns of the contract, from its headings: ``{p}/agent/{a}/agentCalled`` and, for
    /// each command heading (`#### \`queue/pause\``), `{p}/cmd/queue/pause`.
    static func contractTopics() throws -> [[String]] {
        let text = try String(contentsOf: self.contractFile, encoding: .utf8)
        var topics: [[String]] = []
        for line in text.split(separator: "\n") {
            if let match = line.wholeMatch(of: /### `(\{p\}\/[^`]+)`/) {
                topics.append(match.1.split(separator: "/").map(String.init))
            } else if let match = line.wholeMatch(of: /#### `([a-z]+(?:\/[a-z]+)?)`/) {
                topics.append(["{p}", "cmd"] + match.1.split(separator: "/").map(String.init))
            }
        }
        return topics
    }

    /// Whether `topic` (a topic or subscription filter under prefix `pbx`) is one of the
    /// contract's: literal levels equal, placeholders (`{a}`, `{q}`, …) any one level or `+`.
    static func isInContract(_ topic: String, _ contract: [[String]]) -> Bool {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return contract.contains { pattern in
            pattern.count == levels.count
                && zip(pattern, levels).allSatisfy { expected, level in
                    if expected == "{p}" { return level == "pbx" }
                    if expected.hasPrefix("{") { return !level.isEmpty && level != "#" }
                    return expected == level
                }
        }
    }

    /// Should be Node-RED's flow format: an array of nodes with unique ids and a type, every
    /// flow node on the one tab, one mqtt-broker config node (MQTT 5) that every MQTT node uses.
    @Test func isNodeRedFlowFormat() throws {
        let nodes = try Self.nodes()
        let ids = nodes.compactMap { $0["id"] as? String }
        #expect(ids.count == nodes.count, "every node has a string id")
        #expect(Set(ids).count == ids.count, "ids are unique")
        #expect(nodes.allSatisfy { ($0["type"] as? String)?.isEmpty == false })
        let tabs = nodes.filter { $0["type"] as? String == "tab" }.compactMap { $0["id"] as? String }
        #expect(tabs.count == 1)
        let brokers = nodes.filter { $0["type"] as? String == "mqtt-broker" }
        #expect(brokers.count == 1)
        #expect(brokers.first?["protocolVersion"] as? String == "5")
        let brokerID = try #require(brokers.first?["id"] as? String)
        for node in nodes where !["tab", "mqtt-broker"].contains(node["type"] as? String) {
            #expect(tabs.contains(node["z"] as? String ?? ""), "\(node["id"] ?? "?") is on the tab")
            #expect(node["x"] is Int && node["y"] is Int, "\(node["id"] ?? "?") has a position")
        }
        let mqttNodes = nodes.filter { ["mqtt in", "mqtt out"].contains($0["type"] as? String) }
        #expect(mqttNodes.count == 4)
        #expect(mqttNodes.allSatisfy { $0["broker"] as? String == brokerID })
        for type in ["http request", "inject", "function", "switch", "debug"] {
            #expect(nodes.contains { $0["type"] as? String == type }, "a \(type) node")
        }
    }

    /// Should wire every output to a node of the flow, leave no flow node unreachable, and
    /// chain the three flows as documented (agentCalled → CRM request; inject → originate;
    /// count → threshold → alert).
    @Test func everyWireReachesANode() throws {
        let nodes = try Self.nodes()
        let byID = Dictionary(
            uniqueKeysWithValues: nodes.compactMap { node in (node["id"] as? String).map { ($0, node) } })
        var targets: Set<String> = []
        for node in nodes {
            guard let wires = node["wires"] else { continue }
            let outputs = try #require(wires as? [[String]], "\(node["id"] ?? "?"): wires is a list of lists")
            if let count = node["outputs"] as? Int {
                #expect(outputs.count == count, "\(node["id"] ?? "?") has one wire list per output")
            }
            for target in outputs.joined() {
                #expect(byID[target] != nil, "\(node["id"] ?? "?") → \(target): no such node")
                #expect(byID[target]?["z"] as? String == node["z"] as? String, "\(target) on the same tab")
                targets.insert(target)
            }
        }
        let sources: Set<String> = ["mqtt in", "inject", "comment"]
        for node in nodes where node["z"] != nil && !sources.contains(node["type"] as? String ?? "") {
            #expect(targets.contains(node["id"] as? String ?? ""), "\(node["id"] ?? "?") is wired from something")
        }
        func downstream(_ id: String) -> [String] {
            let wires = byID[id]?["wires"] as? [[String]] ?? []
            return wires.joined().flatMap { [byID[$0]?["type"] as? String ?? "?"] + downstream($0) }
        }
        let screenPop = try #require(nodes.first { ($0["topic"] as? String)?.hasSuffix("/agentCalled") == true })
        #expect(downstream(screenPop["id"] as? String ?? "").contains("http request"))
        let inject = try #require(nodes.first { $0["type"] as? String == "inject" })
        #expect(downstream(inject["id"] as? String ?? "").contains("mqtt out"))
        let alert = try #require(nodes.first { ($0["topic"] as? String)?.hasSuffix("/count") == true })
        #expect(downstream(alert["id"] as? String ?? "").contains("switch"))
    }

    /// Should use only the contract's topics, and a Response Topic the bridge allows (under
    /// `{p}/reply/`, no wildcards) with a request the command accepts.
    @Test func everyTopicIsInTheContract() throws {
        let nodes = try Self.nodes()
        let contract = try Self.contractTopics()
        #expect(contract.count > 20, "headings read from docs/mqtt-api.md: \(contract)")
        let topics = nodes.filter { ["mqtt in", "mqtt out"].contains($0["type"] as? String) }
            .compactMap { $0["topic"] as? String }
        #expect(topics.count == 4)
        let responseTopics = nodes.compactMap { $0["respTopic"] as? String }.filter { !$0.isEmpty }
        #expect(responseTopics.count == 1)
        for topic in topics {
            let isReply = responseTopics.contains(topic)
            #expect(isReply || Self.isInContract(topic, contract), "\(topic) is not in docs/mqtt-api.md")
        }
        for topic in responseTopics {
            #expect(topic.hasPrefix("pbx/reply/") && !topic.contains("+") && !topic.contains("#"), "\(topic)")
        }
        // The negative cases of the matcher itself.
        #expect(!Self.isInContract("pbx/agent/+/agentCalledd", contract))
        #expect(!Self.isInContract("pbx/cmd/dial", contract))
        #expect(!Self.isInContract("pbx/agent/#", contract))
        #expect(Self.isInContract("pbx/cmd/queue/pause", contract))
        let inject = try #require(nodes.first { $0["type"] as? String == "inject" })
        let payload = try #require(
            try JSONSerialization.jsonObject(with: Data((inject["payload"] as? String ?? "").utf8)) as? [String: String]
        )
        #expect(Set(payload.keys) == ["from", "to"], "originate's required fields")
    }
}
