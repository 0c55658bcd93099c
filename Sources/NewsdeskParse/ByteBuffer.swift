/// Where the parser's byte-writing helpers (`UTF8Text`) write: an array, or a `ByteBuffer`.
protocol ByteOutput: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteOutput where Element == UInt8 {}

/// A growable run of bytes for sanitized HTML and plain text, which are written a few bytes at a
/// time: appending checks only the capacity (an array also checks at every append that its
/// storage is not shared).
///
/// Invariants: `base` points to `capacity` bytes this value allocated and alone owns; the first
/// `count` are initialized (`count <= capacity` always); `grow` moves them to a larger block
/// and frees the old one; `deinit` frees the block. Not copyable, so there is one owner and no
/// second free. The buffers `withBytes` and `withMutableBytes` lend are valid only during the call.
struct ByteBuffer: ~Copyable, ByteOutput {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var last: UInt8? { count > 0 ? base[count - 1] : nil }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Drops the last `n` bytes.
    mutating func removeLast(_ n: Int) {
        precondition(n >= 0 && n <= count)
        count -= n
    }

    /// The bytes written so far, valid until the next change.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes written so far, to change in place (then `removeLast` to shorten them).
    mutating func withMutableBytes<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeMutableBufferPointer(start: base, count: count))
    }

    private mutating func grow(to needed: Int) {
        let grown = max(needed, capacity * 2)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
    }
}
