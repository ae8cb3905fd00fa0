namespace Pipeline.Model.Torch;

// Operation codes of the shim's generic entry points; the order must match the enums in
// model/native/src/ops_elementwise.cpp and ops_reduce.cpp.

internal enum UnaryOp
{
    Neg, Exp, Log, Sqrt, Rsqrt, Tanh, Sigmoid, Silu, Gelu, GeluTanh, Abs, Relu, LogicalNot,
    Sin, Cos, Floor, Ceil, Round, Sign, Square, Log1p, Expm1, Reciprocal, IsNan, IsInf, Erf, IsFinite,
}

internal enum BinaryOp
{
    Add, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr,
    LogicalXor, Remainder, FloorDivide, RSub, RDiv, RPow, Copy, Fill, ClampMin, ClampMax,
}

internal enum ReduceOp
{
    Sum, Mean, Amax, Amin, Prod, LogSumExp, Var, Std, All, Any, Norm2,
}
