import Foundation
import Testing

/// A state database that cannot be used says why, in words a user can act on: who owns what
/// with which mode and who is asking, the disk that is full, the read-only file system; never
/// SQLite's bare "disk I/O error" or "unable to open database file".
@Suite struct StateErrorTests {
    static func folder(state: String = "state.sqlite") throws -> String {
        try TinyFeed.folder(feed: "http://127.0.0.1:9/feed", state: state)
    }

    static var isRoot: Bool { getuid() == 0 }

    /// How to run the binary as someone permissions apply to: root passes every check, so as
    /// root it runs as `nobody`; otherwise as the current user.
    static var asSomeoneElse: (launcher: [String], user: String) {
        if isRoot { return (["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"], "nobody") }
        return ([], String(cString: getpwuid(getuid()).pointee.pw_name))
    }

    static func owner() -> String { isRoot ? "root" : asSomeoneElse.user }

    @Test func aDatabaseNewsdeskMayNotOpenNamesOwnerModeAndUser() throws {
        let folder = try Self.folder()
        let database = folder + "/state.sqlite"
        #expect(try BinaryRunner.run(["status", "--config", folder + "/feeds.conf"]).status == 0)
        try FileManager.default.removeItem(atPath: database + ".lock")
        // As root the file is root's (0600) in a folder anyone may write to; otherwise mode 0000.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        let mode = Self.isRoot ? "0600" : "0000"
        if !Self.isRoot { try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: database) }
        let (launcher, user) = Self.asSomeoneElse
        let expected = "permission denied opening \(database) (owner \(Self.owner()), mode \(mode); newsdesk runs as user \(user))"
        for command in ["status", "once"] {
            let result = try BinaryRunner.run([command, "--config", folder + "/feeds.conf"], launcher: launcher)
            #expect(result.status == 3, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("\(database): cannot open the state database: \(expected)"), "\(command): \(result.stderr)")
        }
    }

    @Test func aFolderNewsdeskMayNotCreateNamesTheFolderInTheWay() throws {
        let folder = try Self.folder(state: "locked/state/state.sqlite")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        try FileManager.default.createDirectory(atPath: folder + "/locked", withIntermediateDirectories: false)
        let mode = Self.isRoot ? 0o700 : 0o500
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: folder + "/locked")
        let (launcher, user) = Self.asSomeoneElse
        let expected =
            "cannot create its folder: permission denied creating \(folder)/locked/state "
            + "(folder \(folder)/locked: owner \(Self.owner()), mode 0\(String(mode, radix: 8)); newsdesk runs as user \(user))"
        for command in ["status", "once"] {
            let result = try BinaryRunner.run([command, "--config", folder + "/feeds.conf"], launcher: launcher)
            #expect(result.status == 3, "\(command): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(command): \(result.stderr)")
        }
    }

    /// Runs `command` with its state on a 64 KiB tmpfs of its own (a private mount namespace;
    /// through a user namespace when not root), mounted with `options` and filled up first
    /// when `fill`.
    static func onATinyDisk(_ command: String, options: String, fill: Bool) throws -> (BinaryRunner.Output, disk: String) {
        let disk = try BinaryRunner.temporaryFolder()
        let folder = try Self.folder(state: disk + "/state.sqlite")
        let script =
            "mount -t tmpfs -o \(options),size=64k tmpfs \"$0\" || exit 99; "
            + (fill ? "dd if=/dev/zero of=\"$0/fill\" bs=4k 2>/dev/null; " : "") + "exec \"$@\""
        let launcher = ["/usr/bin/unshare"] + (isRoot ? ["-m"] : ["-r", "-m"]) + ["/bin/sh", "-c", script, disk]
        return (try BinaryRunner.run([command, "--config", folder + "/feeds.conf"], launcher: launcher), disk)
    }

    @Test(arguments: ["status", "once"], ["full", "read-only"])
    func aFullDiskOrAReadOnlyFileSystemIsNamed(command: String, disk kind: String) throws {
        let (result, disk) = try Self.onATinyDisk(command, options: kind == "full" ? "rw" : "ro", fill: kind == "full")
        try #require(result.status != 99, "cannot mount a tmpfs here: \(result.stderr)")
        #expect(result.status == 3, "\(result.stderr)")
        // `once` meets it first at the lock file, `status` (which takes no lock) at the database.
        let file = "\(disk)/state.sqlite" + (command == "once" ? ".lock" : "")
        let expected = kind == "full" ? "the disk holding \(disk) is full" : "\(file) is on a read-only file system"
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }
}
