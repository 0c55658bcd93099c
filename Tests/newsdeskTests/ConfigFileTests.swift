import Foundation
import Testing

/// A config that cannot be read says why, in words its owner can act on.
@Suite struct ConfigFileTests {
    @Test func anUnreadableConfigNamesItsOwnerModeAndTheUserAsking() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/feeds.conf"
        try Data("[[feed]]\nurl = \"http://a.example/x\"\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        // Root reads any file: the check runs as nobody then (setpriv, from util-linux), from a
        // copy of the binary that nobody may run wherever the checkout is.
        let asRoot = geteuid() == 0
        let binary = folder + "/newsdesk"
        try FileManager.default.copyItem(atPath: BinaryRunner.binary.path, toPath: binary)
        if !asRoot { try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path) }
        let prefix = asRoot ? ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] : []
        let process = Process()
        let command = prefix + [binary, "check", "--config", path]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2, "\(stderr)")
        let owner = asRoot ? "root" : NSUserName()
        let mode = asRoot ? "0600" : "0000"
        let user = asRoot ? "nobody" : NSUserName()
        #expect(
            stderr.contains("permission denied reading \(path) (owner \(owner), mode \(mode); newsdesk runs as user \(user))"), "\(stderr)")
    }
}
