/// Errors raised by the CLI itself. Errors from the library targets carry their own
/// descriptions; ArgumentParser prints any of them as one `Error: …` line and exits 1.
enum CLIError: Error, CustomStringConvertible {
    case invalid(String)

    var description: String {
        switch self {
        case let .invalid(message):
            return message
        }
    }
}
