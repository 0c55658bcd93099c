import Foundation
import Testing

@testable import NewsdeskBase

/// The library reaches its fault points and does nothing there itself: what happens is what was
/// installed (the crash tests run the binary, which kills itself there).
@Suite(.serialized) struct FaultPointsTests {
    final class Recorder: FaultPoints, @unchecked Sendable {
        private let lock = NSLock()
        private var points: [FaultPoint] = []
        func reached(_ point: FaultPoint) { lock.withLock { points.append(point) } }
        var seen: [FaultPoint] { lock.withLock { points } }
    }

    @Test func anAtomicWriteReachesItsPointBetweenWritingAndRenaming() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-faults-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recorder = Recorder()
        Faults.install(recorder)
        defer { Faults.install(nil) }
        try AtomicFile.write(Array("one".utf8), to: folder + "/a.txt")
        #expect(recorder.seen.contains(.midPublish))
        #expect(try String(contentsOfFile: folder + "/a.txt", encoding: .utf8) == "one")
        Faults.install(nil)
        let before = recorder.seen.count
        try AtomicFile.write(Array("two".utf8), to: folder + "/a.txt")
        #expect(recorder.seen.count == before, "nothing installed, nothing told")
    }
}
