import ArgumentParser
import Foundation
import NewsdeskBase
import NewsdeskParse

/// `newsdesk opml import|export`: subscriptions in and out.
struct OPMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opml", abstract: "Move subscriptions in and out as OPML.", subcommands: [Import.self, Export.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the feeds of an OPML file to the config (folders become tags); feeds already there are skipped.")

        @Argument(help: "The OPML file.")
        var file: String

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let found: [OPML.Subscription]
            do {
                found = try OPML.subscriptions(in: [UInt8](try FileReading.contents(of: file)))
            } catch let error as FileReading.Failure {
                Console.error(error.description)
                throw ExitCode.failure
            } catch {
                Console.error("\(file): \(error)")
                throw ExitCode.failure
            }
            // The file comes from elsewhere: only its http(s) feeds are taken.
            let (subscriptions, skipped) = OPML.screen(found)
            for outline in skipped { Console.error("\(file): \(outline)") }
            let appender = try options.appender()
            let (addition, added) = OPML.tomlForImport(subscriptions, existing: appender.config)
            if added > 0 {
                do {
                    try appender.append(addition)
                } catch {
                    Console.error("\(file): \(error)")
                    throw ExitCode.failure
                }
            }
            let skippedNote = skipped.isEmpty ? "" : ", \(skipped.count) skipped"
            print("added \(added) feeds to \(options.config) (\(subscriptions.count - added) already there\(skippedNote))")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the config's feeds as OPML 2.0.")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            print(OPML.export(try options.load()), terminator: "")
        }
    }
}
