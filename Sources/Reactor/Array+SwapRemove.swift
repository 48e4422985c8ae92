/// Unordered arrays of objects that remember their own position, so removing one is
/// O(1): the last element takes its place. A loop's connections, its price sessions and
/// a subscription group's members are kept this way; a position of -1 means "not in".
extension Array where Element: AnyObject {
    /// Appends `element` and records its position in `position`.
    public mutating func appendRemembering(_ element: Element, at position: ReferenceWritableKeyPath<Element, Int>) {
        element[keyPath: position] = count
        append(element)
    }

    /// Removes `element` if it is where `position` says; returns whether it was.
    @discardableResult
    public mutating func removeBySwapping(_ element: Element, at position: ReferenceWritableKeyPath<Element, Int>) -> Bool {
        let index = element[keyPath: position]
        guard index >= 0, index < count, self[index] === element else { return false }
        let last = removeLast()
        if index < count {
            self[index] = last
            last[keyPath: position] = index
        }
        element[keyPath: position] = -1
        return true
    }
}
