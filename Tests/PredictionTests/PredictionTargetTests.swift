import XCTest
@testable import Prediction

final class PredictionTargetTests: XCTestCase {
    func testTargetBuilds() { XCTAssertNotNil(PredictionTarget.self) }
}
