import Foundation
import ServiceLifecycle

/// systemd's side of `newsdesk run`, a service of the daemon's group: it says READY=1 when the
/// daemon is ready, passes its STATUS= lines on in the order they were told, feeds the watchdog,
/// and says STOPPING=1 when it is shut down, which the group does after the daemon's loop has
/// ended (services are shut down in reverse order). Messages go out in the order they were told
/// (the daemon tells a status only after it is ready); nothing after STOPPING=1, and STOPPING=1
/// only after READY=1: a daemon that fails before it is ready says neither.
///
/// The watchdog is fed by progress, not by a live thread: WATCHDOG=1 goes out every
/// ``SystemdNotifier/watchdogInterval`` (half `WatchdogSec`), but only while the ``Heartbeat`` is
/// younger than ``hungAfter(watchdogInterval:)`` (three quarters of `WatchdogSec`). A loop stuck
/// anywhere stops the pings, and systemd kills and restarts it about `hungAfter + WatchdogSec`
/// after its last progress; a long cycle keeps stamping and is never taken for a hang.
///
/// A value whose copies share one queue of messages: ``ready()`` and ``status(_:)`` may be
/// called from any thread.
public struct SystemdService: Service {
    private enum Message: Sendable {
        case ready
        case status(String)
    }

    /// How often to feed the watchdog (nil: systemd does not watch).
    public let watchdogInterval: TimeInterval?
    private let send: @Sendable (String) -> Void
    private let heartbeat: Heartbeat
    private let clock: any DaemonClock
    private let messages: AsyncStream<Message>
    private let inbox: AsyncStream<Message>.Continuation

    /// A service talking through `notifier`, watching `heartbeat` on `clock`.
    public init(notifier: SystemdNotifier, heartbeat: Heartbeat, clock: any DaemonClock) {
        self.init(watchdogInterval: notifier.watchdogInterval, heartbeat: heartbeat, clock: clock) { notifier.notify($0) }
    }

    /// A service handing each message to `send` (tests collect them), with a watchdog every
    /// `watchdogInterval` seconds.
    public init(
        watchdogInterval: TimeInterval?, heartbeat: Heartbeat, clock: any DaemonClock, send: @escaping @Sendable (String) -> Void
    ) {
        self.watchdogInterval = watchdogInterval
        self.send = send
        self.heartbeat = heartbeat
        self.clock = clock
        (messages, inbox) = AsyncStream.makeStream(of: Message.self)
    }

    /// How long the loop may go without progress before the watchdog stops being fed: three
    /// quarters of `WatchdogSec` (1.5 times `watchdogInterval`, its half), at least 3 s, as
    /// progress comes about once a second.
    public static func hungAfter(watchdogInterval interval: TimeInterval) -> TimeInterval { max(1.5 * interval, 3) }

    /// The daemon is ready: READY=1, then the watchdog starts.
    public func ready() { inbox.yield(.ready) }

    /// A STATUS= line ("polled 6 feeds, …").
    public func status(_ line: String) { inbox.yield(.status(line)) }

    /// Passes the messages on until the group shuts it down, then says STOPPING=1 (if it said
    /// READY=1) once the watchdog is quiet.
    public func run() async {
        let inbox = self.inbox
        let ready = await withDiscardingTaskGroup(returning: Bool.self) { group in
            var ready = false
            // Finishing the stream still hands over what is in it: every status told is sent.
            await withGracefulShutdownHandler {
                for await message in messages {
                    switch message {
                    case .ready where !ready:
                        send("READY=1")
                        ready = true
                        if let watchdogInterval { group.addTask { await feedWatchdog(every: watchdogInterval) } }
                    case .ready: break
                    case .status(let line): send("STATUS=" + line)
                    }
                }
            } onGracefulShutdown: {
                inbox.finish()
            }
            group.cancelAll()
            return ready
        }
        if ready { send("STOPPING=1") }
    }

    /// WATCHDOG=1 every `interval` while the heartbeat is fresh, until cancelled.
    private func feedWatchdog(every interval: TimeInterval) async {
        let limit = Self.hungAfter(watchdogInterval: interval)
        while (try? await clock.sleep(seconds: interval)) != nil {
            if heartbeat.age < limit { send("WATCHDOG=1") }
        }
    }
}
