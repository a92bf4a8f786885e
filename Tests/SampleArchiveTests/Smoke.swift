import XCTest
@testable import SampleArchive

final class SampleArchiveSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
