import CBLAS

/// The element types the MLP runs in: Float for training speed, Double for gradient checks.
public protocol BLASScalar: BinaryFloatingPoint, Sendable, Codable {
    /// Row-major C = alpha * op(A) * op(B) + beta * C.
    static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

@inline(__always) private func trans(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: BLASScalar {
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, trans(transA), trans(transB), Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Double: BLASScalar {
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, trans(transA), trans(transB), Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }
}
