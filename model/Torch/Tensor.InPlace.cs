namespace Pipeline.Model.Torch;

// In-place ops (trailing underscore, as in PyTorch): they modify this tensor and return it.
public sealed partial class Tensor
{
    private Tensor UnaryInPlace(UnaryOp op)
    {
        Native.Check(Native.pt_unary_((int)op, _handle));
        return this;
    }

    private Tensor BinaryInPlace(BinaryOp op, Tensor other, double alpha = 1)
    {
        Native.Check(Native.pt_binary_((int)op, _handle, other._handle, alpha));
        return this;
    }

    private Tensor ScalarInPlace(BinaryOp op, double value, bool isInt = false)
    {
        Native.Check(Native.pt_scalar_((int)op, _handle, value, isInt ? 1 : 0));
        return this;
    }

    public Tensor add_(Tensor other, double alpha = 1) => BinaryInPlace(BinaryOp.Add, other, alpha);
    public Tensor add_(double value) => ScalarInPlace(BinaryOp.Add, value);
    public Tensor add_(long value) => ScalarInPlace(BinaryOp.Add, value, true);
    public Tensor sub_(Tensor other, double alpha = 1) => BinaryInPlace(BinaryOp.Sub, other, alpha);
    public Tensor sub_(double value) => ScalarInPlace(BinaryOp.Sub, value);
    public Tensor mul_(Tensor other) => BinaryInPlace(BinaryOp.Mul, other);
    public Tensor mul_(double value) => ScalarInPlace(BinaryOp.Mul, value);
    public Tensor mul_(long value) => ScalarInPlace(BinaryOp.Mul, value, true);
    public Tensor div_(Tensor other) => BinaryInPlace(BinaryOp.Div, other);
    public Tensor div_(double value) => ScalarInPlace(BinaryOp.Div, value);
    public Tensor pow_(double exponent) => ScalarInPlace(BinaryOp.Pow, exponent);
    public Tensor pow_(Tensor exponent) => BinaryInPlace(BinaryOp.Pow, exponent);
    public Tensor copy_(Tensor source) => BinaryInPlace(BinaryOp.Copy, source);
    public Tensor fill_(double value) => ScalarInPlace(BinaryOp.Fill, value);
    public Tensor fill_(long value) => ScalarInPlace(BinaryOp.Fill, value, true);

    public Tensor zero_()
    {
        Native.Check(Native.pt_zero_(_handle));
        return this;
    }

    public Tensor clamp_(double? min = null, double? max = null)
    {
        Native.Check(Native.pt_clamp_(_handle, min ?? double.NaN, max ?? double.NaN));
        return this;
    }

    public Tensor masked_fill_(Tensor mask, double value)
    {
        Native.Check(Native.pt_masked_fill_(_handle, mask._handle, value));
        return this;
    }

    public Tensor addcmul_(Tensor t1, Tensor t2, double value = 1)
    {
        Native.Check(Native.pt_addc_(0, _handle, t1._handle, t2._handle, value));
        return this;
    }

    public Tensor addcdiv_(Tensor t1, Tensor t2, double value = 1)
    {
        Native.Check(Native.pt_addc_(1, _handle, t1._handle, t2._handle, value));
        return this;
    }

    /// <summary>this += weight * (end - this).</summary>
    public Tensor lerp_(Tensor end, double weight)
    {
        Native.Check(Native.pt_lerp_(_handle, end._handle, weight));
        return this;
    }

    public Tensor neg_() => UnaryInPlace(UnaryOp.Neg);
    public Tensor exp_() => UnaryInPlace(UnaryOp.Exp);
    public Tensor log_() => UnaryInPlace(UnaryOp.Log);
    public Tensor sqrt_() => UnaryInPlace(UnaryOp.Sqrt);
    public Tensor rsqrt_() => UnaryInPlace(UnaryOp.Rsqrt);
    public Tensor tanh_() => UnaryInPlace(UnaryOp.Tanh);
    public Tensor sigmoid_() => UnaryInPlace(UnaryOp.Sigmoid);
    public Tensor silu_() => UnaryInPlace(UnaryOp.Silu);
    public Tensor relu_() => UnaryInPlace(UnaryOp.Relu);
    public Tensor abs_() => UnaryInPlace(UnaryOp.Abs);
    public Tensor square_() => UnaryInPlace(UnaryOp.Square);
    public Tensor reciprocal_() => UnaryInPlace(UnaryOp.Reciprocal);

    /// <summary>Fills with draws from U(from, to).</summary>
    public Tensor uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        Native.Check(Native.pt_random_(_handle, 0, from, to, generator?.Handle ?? GeneratorHandle.Null));
        return this;
    }

    /// <summary>Fills with draws from N(mean, std²).</summary>
    public Tensor normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        Native.Check(Native.pt_random_(_handle, 1, mean, std, generator?.Handle ?? GeneratorHandle.Null));
        return this;
    }
}
