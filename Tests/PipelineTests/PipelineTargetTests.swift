import XCTest
@testable import Pipeline

final class PipelineTargetTests: XCTestCase {
    func testTargetBuilds() { XCTAssertNotNil(PipelineTarget.self) }
}
