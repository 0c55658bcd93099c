/// The tables of a document while it is read, with TOML 1.0's rules on defining them:
/// - a table is defined once, by its `[header]` or by the dotted keys of one section
///   (`a.b = 1` defines table `a`); a header may still add sub-tables under either;
/// - a header's leading parts (`a` in `[a.b]`) only create tables, which a later `[a]` may define;
/// - dotted keys never reach into a table defined by a header or by the dotted keys of another
///   section, nor into an array of tables;
/// - `[[name]]` appends a table to an array of tables, which is never a static array `[ … ]`;
/// - inline tables and arrays are values: nothing extends them.
///
/// Nodes live in one array and refer to each other by index, so walking a path is a loop, not a
/// recursion; only ``value(of:)``, which builds the finished tree, recurses, as deep as the
/// nesting, which the parser keeps at most ``TOMLParser/maxDepth``.
struct TOMLTree {
    /// What a key holds: a table or array of tables still open to headers, or a finished value.
    private enum Slot {
        case node(Int)
        case value(TOMLValue)
    }

    private enum Origin {
        case header, implicit, dotted, arrayOfTables, inline
    }

    private struct Node {
        var origin: Origin
        var position: TOMLPosition
        var depth: Int
        /// Defined for good: no header may define it again, no dotted key reach into it.
        var closed: Bool
        var keys: [String] = []
        var slots: [String: (slot: Slot, keyPosition: TOMLPosition)] = [:]
        /// The tables of an array of tables.
        var elements: [Int] = []
    }

    private var nodes = [Node(origin: .header, position: TOMLPosition(line: 1, column: 1), depth: 0, closed: false)]
    /// Tables the dotted keys of the current section defined or went through: closed at the next header.
    private var pending: [Int] = []
    let maxDepth: Int

    init(maxDepth: Int) { self.maxDepth = maxDepth }

    static let root = 0

    func depth(of node: Int) -> Int { nodes[node].depth }

    /// The table a `[header]` or `[[header]]` opens.
    mutating func open(header path: [TOMLScanner.KeyPart], array: Bool, at position: TOMLPosition) throws(TOMLError) -> Int {
        for node in pending { nodes[node].closed = true }
        pending = []
        var current = Self.root
        for part in path.dropLast() { current = try descend(current, part, dotted: false) }
        guard let last = path.last else { throw TOMLError("a table header must name a table", at: position) }
        let name = path.map { TOMLValue.keyText($0.name) }.joined(separator: ".")
        guard let existing = nodes[current].slots[last.name] else {
            if array {
                let list = try add(.arrayOfTables, named: last, in: current, at: position)
                return try element(of: list, at: position)
            }
            return try add(.header, named: last, in: current, at: position)
        }
        let line = existing.keyPosition.line
        switch existing.slot {
        case .value(let value):
            let what = value.table != nil ? "an inline table" : value.array != nil ? "a static array" : "a value"
            throw TOMLError(
                "\(name) is already \(what) (line \(line)): it cannot be \(array ? "[[\(name)]]" : "[\(name)]") too", at: position)
        case .node(let node):
            let origin = nodes[node].origin
            if array {
                guard origin == .arrayOfTables else {
                    throw TOMLError("[[\(name)]]: \(name) is already a table (line \(line)), not an array of tables", at: position)
                }
                return try element(of: node, at: position)
            }
            if origin == .arrayOfTables {
                throw TOMLError("[\(name)]: \(name) is already an array of tables [[\(name)]] (line \(line))", at: position)
            }
            if origin == .dotted || nodes[node].closed {
                let how = origin == .header ? "by its header" : "by dotted keys"
                throw TOMLError(
                    "table [\(name)] is defined twice: it is already defined \(how) at line \(nodes[node].position.line)", at: position)
            }
            nodes[node].origin = .header
            nodes[node].closed = true
            nodes[node].position = position
            return node
        }
    }

    /// Sets `key` (perhaps dotted) in `table` to `value`; `section` is false inside an inline table.
    mutating func set(_ key: [TOMLScanner.KeyPart], _ value: TOMLValue, in table: Int, section: Bool) throws(TOMLError) {
        var current = table
        for part in key.dropLast() {
            current = try descend(current, part, dotted: true)
            if section { pending.append(current) }
        }
        guard let last = key.last else { return }
        if let existing = nodes[current].slots[last.name] {
            let first = existing.keyPosition
            throw TOMLError(
                "\(TOMLValue.keyText(last.name)) is defined twice: first at line \(first.line), column \(first.column)", at: last.position)
        }
        insert(last, .value(value), in: current)
    }

    /// A new table for an inline table's keys, in no other table.
    mutating func detachedTable(at position: TOMLPosition, depth: Int) -> Int {
        nodes.append(Node(origin: .inline, position: position, depth: depth, closed: false))
        return nodes.count - 1
    }

    /// The finished value of a node, and everything under it.
    func value(of index: Int) -> TOMLValue {
        let node = nodes[index]
        if node.origin == .arrayOfTables {
            return TOMLValue(.array(node.elements.map(value(of:))), at: node.position)
        }
        var table = TOMLTable()
        for key in node.keys {
            guard let entry = node.slots[key] else { continue }
            switch entry.slot {
            case .value(let value): table.set(key, value, keyPosition: entry.keyPosition)
            case .node(let child): table.set(key, value(of: child), keyPosition: entry.keyPosition)
            }
        }
        return TOMLValue(.table(table), at: node.position)
    }

    /// The table under `part` in `table`, created if missing, for a header's leading part or a dotted key's.
    private mutating func descend(_ table: Int, _ part: TOMLScanner.KeyPart, dotted: Bool) throws(TOMLError) -> Int {
        let name = TOMLValue.keyText(part.name)
        guard let existing = nodes[table].slots[part.name] else {
            return try add(dotted ? .dotted : .implicit, named: part, in: table, at: part.position)
        }
        let line = existing.keyPosition.line
        switch existing.slot {
        case .value(let value):
            if value.table != nil {
                throw TOMLError("\(name) is an inline table (line \(line)): all its keys must be inside its { }", at: part.position)
            }
            throw TOMLError("\(name) is already a value (line \(line)), so it cannot hold keys", at: part.position)
        case .node(let node):
            if nodes[node].origin == .arrayOfTables {
                guard !dotted else {
                    throw TOMLError("\(name) is an array of tables (line \(line)): add to it with [[\(name)]]", at: part.position)
                }
                return nodes[node].elements.last ?? node
            }
            if dotted && nodes[node].closed {
                let how = nodes[node].origin == .header ? "by its header" : "by dotted keys in an earlier section"
                throw TOMLError(
                    "table \(name) is already defined \(how) (line \(nodes[node].position.line)): add its keys there", at: part.position)
            }
            return node
        }
    }

    private mutating func add(_ origin: Origin, named part: TOMLScanner.KeyPart, in table: Int, at position: TOMLPosition)
        throws(TOMLError) -> Int
    {
        let depth = nodes[table].depth + 1
        guard depth <= maxDepth else { throw TOMLError("tables nested too deeply: at most \(maxDepth) levels", at: part.position) }
        nodes.append(Node(origin: origin, position: position, depth: depth, closed: origin == .header || origin == .arrayOfTables))
        insert(part, .node(nodes.count - 1), in: table)
        return nodes.count - 1
    }

    private mutating func element(of list: Int, at position: TOMLPosition) throws(TOMLError) -> Int {
        let depth = nodes[list].depth + 1
        guard depth <= maxDepth else { throw TOMLError("tables nested too deeply: at most \(maxDepth) levels", at: position) }
        nodes.append(Node(origin: .header, position: position, depth: depth, closed: true))
        nodes[list].elements.append(nodes.count - 1)
        return nodes.count - 1
    }

    private mutating func insert(_ part: TOMLScanner.KeyPart, _ slot: Slot, in table: Int) {
        nodes[table].keys.append(part.name)
        nodes[table].slots[part.name] = (slot, part.position)
    }
}
