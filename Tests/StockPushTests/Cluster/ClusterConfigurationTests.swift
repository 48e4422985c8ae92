import PushCore
import Testing

@testable import StockPush

@Suite struct ClusterConfigurationTests {
    private func configuration(_ arguments: [String], env: [String: String] = [:]) throws -> ClusterConfiguration {
        try ClusterConfiguration(from: Options(arguments: arguments, specs: ServeCommand.options, environment: env))
    }

    @Test func defaultsAreTheDocumentedOnes() throws {
        let cluster = try configuration([])
        #expect(cluster.heartbeatMilliseconds == 1000)
        #expect(cluster.ttlMilliseconds == 5000)
        #expect(cluster.timeoutMilliseconds == 2000)
        #expect(InstanceIdentity.isValid(cluster.instanceID))
    }

    @Test func generatedIDsAreValidAndDiffer() {
        let first = InstanceIdentity.generated()
        #expect(InstanceIdentity.isValid(first))
        #expect(first != InstanceIdentity.generated())
    }

    @Test func theIDComesFromTheFlagOrTheEnvironment() throws {
        #expect(try configuration([], env: ["INSTANCE_ID": "node-1"]).instanceID == "node-1")
        #expect(try configuration(["--instance-id", "eu.west-2"], env: ["INSTANCE_ID": "node-1"]).instanceID == "eu.west-2")
        #expect(try configuration(["--instance-id", String(repeating: "a", count: 48)]).instanceID.count == 48)
    }

    @Test(arguments: ["node_1", "node 1", String(repeating: "a", count: 49), "nœud", "a/b", "a:b"])
    func aBadIDIsAUsageError(_ id: String) {
        #expect(throws: UsageError.self) { try configuration(["--instance-id", id]) }
    }

    @Test func theTTLMustOutliveTheHeartbeat() {
        #expect(throws: UsageError.self) { try configuration(["--cluster-heartbeat-ms", "2000", "--cluster-ttl-ms", "2000"]) }
        #expect(throws: UsageError.self) { try configuration(["--cluster-timeout-ms", "0"]) }
    }

    @Test func theLongestInstanceIDStillFitsTheGreetingsFastPath() {
        let id = ClientInfo.clientID(.max, instance: String(repeating: "a", count: InstanceIdentity.maximumLength))
        #expect(id.utf8.count == 2 + 48 + 1 + 16)
        #expect(id.utf8.count <= 80)
    }
}
