import Foundation
import Testing

@testable import NewsdeskDaemon
@testable import NewsdeskParse

@Suite struct PollPolicyTests {
    let policy = PollPolicy(defaultInterval: 1_800)

    @Test func aConfiguredIntervalWinsButStaysWithinFiveMinutesAndADay() {
        #expect(policy.interval(configured: 900, postsLastWeek: 500, serverInterval: nil) == 900)
        #expect(policy.interval(configured: 10, postsLastWeek: nil, serverInterval: nil) == 300)
        #expect(policy.interval(configured: 3 * 86_400, postsLastWeek: nil, serverInterval: nil) == 86_400)
    }

    @Test func withoutOneTheIntervalFollowsThePostingRate() {
        #expect(policy.interval(configured: nil, postsLastWeek: nil, serverInterval: nil) == 1_800)
        // 168 posts a week is one an hour: 3,600 s, inside [poll_interval / 4, poll_interval * 4].
        #expect(policy.interval(configured: nil, postsLastWeek: 168, serverInterval: nil) == 3_600)
        #expect(policy.interval(configured: nil, postsLastWeek: 10_000, serverInterval: nil) == 450)
        #expect(policy.interval(configured: nil, postsLastWeek: 0, serverInterval: nil) == 7_200)
    }

    @Test func theServerCanOnlyLengthenTheInterval() {
        #expect(policy.interval(configured: 900, postsLastWeek: nil, serverInterval: 3_600) == 3_600)
        #expect(policy.interval(configured: 3_600, postsLastWeek: nil, serverInterval: 60) == 3_600)
        #expect(policy.interval(configured: 900, postsLastWeek: nil, serverInterval: 9 * 86_400) == 86_400)
    }

    @Test func backoffDoublesWithJitterUpToADay() {
        #expect(policy.backoff(interval: 1_800, failures: 1, random: 0) == 1_800)
        #expect(policy.backoff(interval: 1_800, failures: 2, random: 0) == 3_600)
        #expect(policy.backoff(interval: 1_800, failures: 3, random: 1) == 5_760)
        #expect(policy.backoff(interval: 1_800, failures: 40, random: 0) == 86_400)
    }
}
