import Testing

@testable import Reactor

@Suite struct SwapRemoveTests {
    final class Item {
        let name: String
        var position = -1
        init(_ name: String) { self.name = name }
    }

    @Test func removalKeepsEveryPositionTrue() {
        let items = ["a", "b", "c", "d"].map(Item.init)
        var list: [Item] = []
        for item in items { list.appendRemembering(item, at: \.position) }
        #expect(items.map(\.position) == [0, 1, 2, 3])
        let removedB = list.removeBySwapping(items[1], at: \.position)
        #expect(removedB)
        #expect(list.map(\.name) == ["a", "d", "c"])
        #expect(items[1].position == -1 && items[3].position == 1)
        for (index, item) in list.enumerated() { #expect(item.position == index) }
        let removedC = list.removeBySwapping(items[2], at: \.position)  // the last one: nothing moves
        #expect(removedC)
        #expect(list.map(\.name) == ["a", "d"])
    }

    @Test func removingWhatIsNotThereChangesNothing() {
        let a = Item("a")
        let stranger = Item("x")
        var list: [Item] = []
        list.appendRemembering(a, at: \.position)
        let strangerRemoved = list.removeBySwapping(stranger, at: \.position)
        stranger.position = 0  // claims a's slot
        let impostorRemoved = list.removeBySwapping(stranger, at: \.position)
        #expect(!strangerRemoved && !impostorRemoved)
        #expect(list.count == 1 && a.position == 0)
        let first = list.removeBySwapping(a, at: \.position)
        let second = list.removeBySwapping(a, at: \.position)  // twice is harmless
        #expect(first && !second)
    }
}
