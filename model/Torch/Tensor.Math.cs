namespace Pipeline.Model.Torch;

// Element-wise arithmetic, comparisons, logic and reductions.
public sealed partial class Tensor
{
    private Tensor Unary(UnaryOp op) => new(Native.pt_unary((int)op, _handle));

    private Tensor Binary(BinaryOp op, Tensor other, double alpha = 1) =>
        new(Native.pt_binary((int)op, _handle, other._handle, alpha));

    private Tensor Scalar(BinaryOp op, double value) => new(Native.pt_scalar((int)op, _handle, value, 0));

    private Tensor Scalar(BinaryOp op, long value) => new(Native.pt_scalar((int)op, _handle, value, 1));

    public Tensor add(Tensor other) => new(Native.pt_add(_handle, other._handle));
    public Tensor add(Tensor other, double alpha) => Binary(BinaryOp.Add, other, alpha);
    public Tensor add(double value) => Scalar(BinaryOp.Add, value);
    public Tensor add(long value) => Scalar(BinaryOp.Add, value);
    public Tensor sub(Tensor other, double alpha = 1) => Binary(BinaryOp.Sub, other, alpha);
    public Tensor sub(double value) => Scalar(BinaryOp.Sub, value);
    public Tensor sub(long value) => Scalar(BinaryOp.Sub, value);
    public Tensor mul(Tensor other) => Binary(BinaryOp.Mul, other);
    public Tensor mul(double value) => Scalar(BinaryOp.Mul, value);
    public Tensor mul(long value) => Scalar(BinaryOp.Mul, value);
    public Tensor div(Tensor other) => Binary(BinaryOp.Div, other);
    public Tensor div(double value) => Scalar(BinaryOp.Div, value);
    public Tensor div(long value) => Scalar(BinaryOp.Div, value);
    public Tensor floor_divide(Tensor other) => Binary(BinaryOp.FloorDivide, other);
    public Tensor floor_divide(long value) => Scalar(BinaryOp.FloorDivide, value);
    public Tensor remainder(Tensor other) => Binary(BinaryOp.Remainder, other);
    public Tensor remainder(long value) => Scalar(BinaryOp.Remainder, value);
    public Tensor remainder(double value) => Scalar(BinaryOp.Remainder, value);
    public Tensor pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);
    public Tensor pow(double exponent) => Scalar(BinaryOp.Pow, exponent);
    public Tensor pow(long exponent) => Scalar(BinaryOp.Pow, exponent);
    public Tensor maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
    public Tensor minimum(Tensor other) => Binary(BinaryOp.Minimum, other);

    /// <summary>value - this.</summary>
    public Tensor rsub(double value) => Scalar(BinaryOp.RSub, value);
    public Tensor rsub(long value) => Scalar(BinaryOp.RSub, value);

    /// <summary>value / this.</summary>
    public Tensor rdiv(double value) => Scalar(BinaryOp.RDiv, value);

    /// <summary>value ** this.</summary>
    public Tensor rpow(double value) => Scalar(BinaryOp.RPow, value);

    public Tensor neg() => Unary(UnaryOp.Neg);
    public Tensor exp() => Unary(UnaryOp.Exp);
    public Tensor log() => Unary(UnaryOp.Log);
    public Tensor log1p() => Unary(UnaryOp.Log1p);
    public Tensor expm1() => Unary(UnaryOp.Expm1);
    public Tensor sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
    public Tensor square() => Unary(UnaryOp.Square);
    public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
    public Tensor tanh() => Unary(UnaryOp.Tanh);
    public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor silu() => Unary(UnaryOp.Silu);

    /// <summary>GELU; approximate "tanh" selects the tanh approximation, "none" the exact erf form.</summary>
    public Tensor gelu(string approximate = "none") => approximate switch
    {
        "none" => Unary(UnaryOp.Gelu),
        "tanh" => Unary(UnaryOp.GeluTanh),
        _ => throw new ArgumentException($"approximate must be 'none' or 'tanh', not '{approximate}'", nameof(approximate)),
    };

    public Tensor relu() => Unary(UnaryOp.Relu);
    public Tensor abs() => Unary(UnaryOp.Abs);
    public Tensor sin() => Unary(UnaryOp.Sin);
    public Tensor cos() => Unary(UnaryOp.Cos);
    public Tensor floor() => Unary(UnaryOp.Floor);
    public Tensor ceil() => Unary(UnaryOp.Ceil);
    public Tensor round() => Unary(UnaryOp.Round);
    public Tensor sign() => Unary(UnaryOp.Sign);
    public Tensor erf() => Unary(UnaryOp.Erf);
    public Tensor isnan() => Unary(UnaryOp.IsNan);
    public Tensor isinf() => Unary(UnaryOp.IsInf);
    public Tensor isfinite() => Unary(UnaryOp.IsFinite);

    /// <summary>Bounds left null are open.</summary>
    public Tensor clamp(double? min = null, double? max = null) =>
        new(Native.pt_clamp(_handle, min ?? double.NaN, max ?? double.NaN));

    public Tensor clamp_min(double min) => clamp(min, null);
    public Tensor clamp_max(double max) => clamp(null, max);

    public Tensor masked_fill(Tensor mask, double value) => new(Native.pt_masked_fill(_handle, mask._handle, value));

    /// <summary>this + value * t1 * t2.</summary>
    public Tensor addcmul(Tensor t1, Tensor t2, double value = 1) => new(Native.pt_addc(0, _handle, t1._handle, t2._handle, value));

    /// <summary>this + value * t1 / t2.</summary>
    public Tensor addcdiv(Tensor t1, Tensor t2, double value = 1) => new(Native.pt_addc(1, _handle, t1._handle, t2._handle, value));

    // ---- comparisons and logic -----------------------------------------------------------------

    public Tensor eq(Tensor other) => Binary(BinaryOp.Eq, other);
    public Tensor eq(double value) => Scalar(BinaryOp.Eq, value);
    public Tensor eq(long value) => Scalar(BinaryOp.Eq, value);
    public Tensor ne(Tensor other) => Binary(BinaryOp.Ne, other);
    public Tensor ne(double value) => Scalar(BinaryOp.Ne, value);
    public Tensor ne(long value) => Scalar(BinaryOp.Ne, value);
    public Tensor lt(Tensor other) => Binary(BinaryOp.Lt, other);
    public Tensor lt(double value) => Scalar(BinaryOp.Lt, value);
    public Tensor le(Tensor other) => Binary(BinaryOp.Le, other);
    public Tensor le(double value) => Scalar(BinaryOp.Le, value);
    public Tensor gt(Tensor other) => Binary(BinaryOp.Gt, other);
    public Tensor gt(double value) => Scalar(BinaryOp.Gt, value);
    public Tensor ge(Tensor other) => Binary(BinaryOp.Ge, other);
    public Tensor ge(double value) => Scalar(BinaryOp.Ge, value);
    public Tensor logical_and(Tensor other) => Binary(BinaryOp.LogicalAnd, other);
    public Tensor logical_or(Tensor other) => Binary(BinaryOp.LogicalOr, other);
    public Tensor logical_xor(Tensor other) => Binary(BinaryOp.LogicalXor, other);
    public Tensor logical_not() => Unary(UnaryOp.LogicalNot);

    // ---- reductions ----------------------------------------------------------------------------

    private unsafe Tensor Reduce(ReduceOp op, ReadOnlySpan<long> dims, bool all, bool keepdim, bool unbiased = true)
    {
        fixed (long* p = dims)
        {
            return new(Native.pt_reduce((int)op, _handle, p, all ? -1 : dims.Length, keepdim ? 1 : 0, unbiased ? 1 : 0));
        }
    }

    public Tensor sum() => Reduce(ReduceOp.Sum, default, true, false);
    public Tensor sum(long dim, bool keepdim = false) => Reduce(ReduceOp.Sum, [dim], false, keepdim);
    public Tensor sum(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Sum, dims, false, keepdim);
    public Tensor mean() => Reduce(ReduceOp.Mean, default, true, false);
    public Tensor mean(long dim, bool keepdim = false) => Reduce(ReduceOp.Mean, [dim], false, keepdim);
    public Tensor mean(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Mean, dims, false, keepdim);
    public Tensor prod() => Reduce(ReduceOp.Prod, default, true, false);
    public Tensor prod(long dim, bool keepdim = false) => Reduce(ReduceOp.Prod, [dim], false, keepdim);
    public Tensor amax(long dim, bool keepdim = false) => Reduce(ReduceOp.Amax, [dim], false, keepdim);
    public Tensor amax(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Amax, dims, false, keepdim);
    public Tensor amin(long dim, bool keepdim = false) => Reduce(ReduceOp.Amin, [dim], false, keepdim);
    public Tensor amin(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Amin, dims, false, keepdim);
    public Tensor logsumexp(long dim, bool keepdim = false) => Reduce(ReduceOp.LogSumExp, [dim], false, keepdim);

    /// <summary>Variance; unbiased divides by n - 1 (Bessel), as torch.var does by default.</summary>
    public Tensor var(bool unbiased = true) => Reduce(ReduceOp.Var, default, true, false, unbiased);
    public Tensor var(long dim, bool unbiased = true, bool keepdim = false) => Reduce(ReduceOp.Var, [dim], false, keepdim, unbiased);
    public Tensor var(long[] dims, bool unbiased = true, bool keepdim = false) => Reduce(ReduceOp.Var, dims, false, keepdim, unbiased);
    public Tensor std(bool unbiased = true) => Reduce(ReduceOp.Std, default, true, false, unbiased);
    public Tensor std(long dim, bool unbiased = true, bool keepdim = false) => Reduce(ReduceOp.Std, [dim], false, keepdim, unbiased);
    public Tensor std(long[] dims, bool unbiased = true, bool keepdim = false) => Reduce(ReduceOp.Std, dims, false, keepdim, unbiased);
    public Tensor all() => Reduce(ReduceOp.All, default, true, false);
    public Tensor all(long dim, bool keepdim = false) => Reduce(ReduceOp.All, [dim], false, keepdim);
    public Tensor any() => Reduce(ReduceOp.Any, default, true, false);
    public Tensor any(long dim, bool keepdim = false) => Reduce(ReduceOp.Any, [dim], false, keepdim);

    /// <summary>The L2 norm over all elements or the given dims.</summary>
    public Tensor norm() => Reduce(ReduceOp.Norm2, default, true, false);
    public Tensor norm(long dim, bool keepdim = false) => Reduce(ReduceOp.Norm2, [dim], false, keepdim);

    /// <summary>The largest element.</summary>
    public Tensor max() => Reduce(ReduceOp.Amax, default, true, false);
    public Tensor min() => Reduce(ReduceOp.Amin, default, true, false);

    /// <summary>Largest values along dim and their positions.</summary>
    public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false) => MinMax(0, dim, keepdim);
    public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false) => MinMax(1, dim, keepdim);

    private (Tensor, Tensor) MinMax(int op, long dim, bool keepdim)
    {
        Native.Check(Native.pt_minmax_dim(op, _handle, dim, keepdim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Index of the largest element of the flattened tensor.</summary>
    public Tensor argmax() => new(Native.pt_argminmax(0, _handle, 0, 0, 0));
    public Tensor argmax(long dim, bool keepdim = false) => new(Native.pt_argminmax(0, _handle, dim, 1, keepdim ? 1 : 0));
    public Tensor argmin() => new(Native.pt_argminmax(1, _handle, 0, 0, 0));
    public Tensor argmin(long dim, bool keepdim = false) => new(Native.pt_argminmax(1, _handle, dim, 1, keepdim ? 1 : 0));

    public Tensor cumsum(long dim) => new(Native.pt_cumsum(_handle, dim));

    public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false, bool stable = false)
    {
        Native.Check(Native.pt_sort(_handle, dim, descending ? 1 : 0, stable ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor values, Tensor indices) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        Native.Check(Native.pt_topk(_handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    // ---- matrix products and nn helpers --------------------------------------------------------

    public Tensor matmul(Tensor other) => new(Native.pt_matmul(0, _handle, other._handle));
    public Tensor mm(Tensor other) => new(Native.pt_matmul(1, _handle, other._handle));
    public Tensor bmm(Tensor other) => new(Native.pt_matmul(2, _handle, other._handle));
    public Tensor softmax(long dim) => new(Native.pt_softmax(_handle, dim, 0, -1));
    public Tensor log_softmax(long dim) => new(Native.pt_softmax(_handle, dim, 1, -1));

    // ---- operators -----------------------------------------------------------------------------

    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    public static Tensor operator +(Tensor a, double b) => a.add(b);
    public static Tensor operator +(double a, Tensor b) => b.add(a);
    public static Tensor operator +(Tensor a, long b) => a.add(b);
    public static Tensor operator +(long a, Tensor b) => b.add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    public static Tensor operator -(Tensor a, double b) => a.sub(b);
    public static Tensor operator -(double a, Tensor b) => b.rsub(a);
    public static Tensor operator -(Tensor a, long b) => a.sub(b);
    public static Tensor operator -(long a, Tensor b) => b.rsub(a);
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    public static Tensor operator *(Tensor a, double b) => a.mul(b);
    public static Tensor operator *(double a, Tensor b) => b.mul(a);
    public static Tensor operator *(Tensor a, long b) => a.mul(b);
    public static Tensor operator *(long a, Tensor b) => b.mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    public static Tensor operator /(Tensor a, double b) => a.div(b);
    public static Tensor operator /(double a, Tensor b) => b.rdiv(a);
    public static Tensor operator /(Tensor a, long b) => a.div(b);
    public static Tensor operator -(Tensor a) => a.neg();
}
