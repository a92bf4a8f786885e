import XCTest
@testable import Training

final class TrainingTargetTests: XCTestCase {
    func testTargetBuilds() { XCTAssertNotNil(TrainingTarget.self) }
}
