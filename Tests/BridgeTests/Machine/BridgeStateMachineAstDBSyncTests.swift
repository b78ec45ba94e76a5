import AMI
import CallCenter
import Testing

@testable import Bridge

/// The AstDB lists of the sync: optional, and read into extension presence.
struct BridgeStateMachineAstDBSyncTests {
    /// Should finish the sync without an AstDB family Asterisk refuses and publish the DND read from the others.
    @Test func refusedAstDBListDoesNotFailTheSync() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        let amiUp = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        var actions: [BridgeAction] = []
        for request in amiUp.amiRequests {
            guard case .stateList(_, let index) = request.request else { continue }
            if request.action.name == "DBGetTree" && request.action.fields.first?.value == "CFU" {
                actions += harness.feed {
                    $0.amiResponse(
                        request.request, .failure(.actionFailed(action: "DBGetTree", message: "Permission denied")),
                        at: $1)
                }
                continue
            }
            let items: [AMIMessage] =
                switch index {
                case 2: [MachineHarness.extensionStatus("147", status: 0)]
                case 5: [AMIMessage(["Event": "DBGetTreeResponse", "Key": "/DND/147", "Val": "YES"])]
                default: []
                }
            let response = AMIResponse(
                action: request.action.name, response: AMIMessage(["Response": "Success"]), events: items)
            actions += harness.feed { $0.amiResponse(request.request, .success(response), at: $1) }
        }
        #expect(actions.logMessages.contains("AMI state synchronised"))
        #expect(!actions.logMessages.contains("initial AMI state sync failed; retrying"))
        let presence = actions.published("pbx/extension/147/presence")
        #expect(presence.count == 1)
        #expect(presence.first?.payload.contains(#""status":"dnd","dnd":true"#) == true)
        #expect(presence.first?.retain == true)
    }
}
