import Foundation
import Logging

/// Logs go to stderr; `SITSCUBE_LOG=debug|info|warning` sets the level.
enum CLILogging {
    static func bootstrap() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            let env = ProcessInfo.processInfo.environment["SITSCUBE_LOG"] ?? "info"
            handler.logLevel = Logger.Level(rawValue: env) ?? .info
            return handler
        }
    }
}
