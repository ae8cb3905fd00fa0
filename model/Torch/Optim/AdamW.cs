namespace Pipeline.Model.Torch.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter): Adam with bias correction and weight decay decoupled from the
/// gradient, exactly PyTorch's single-tensor algorithm. Moment buffers are created at a
/// parameter's first step and belong to the optimizer, never to a dispose scope.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly Tensor?[] _expAvg;
    private readonly Tensor?[] _expAvgSq;

    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0.01)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        if (lr < 0 || beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1 || eps < 0 || weight_decay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(parameters),
                $"invalid AdamW settings lr={lr} beta1={beta1} beta2={beta2} eps={eps} weight_decay={weight_decay}");
        }

        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weight_decay;
        _expAvg = new Tensor?[_parameters.Length];
        _expAvgSq = new Tensor?[_parameters.Length];
    }

    /// <summary>The rate of the next step; schedules set it before each step.</summary>
    public double LearningRate { get; set; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Eps { get; }

    public double WeightDecay { get; }

    /// <summary>Steps taken so far (the bias-correction count).</summary>
    public long StepCount { get; private set; }

    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>First-moment buffer of parameter i, or null before its first step.</summary>
    public Tensor? ExpAvg(int i) => _expAvg[i];

    /// <summary>Second-moment buffer of parameter i, or null before its first step.</summary>
    public Tensor? ExpAvgSq(int i) => _expAvgSq[i];

    /// <summary>Updates every parameter that has a gradient.</summary>
    public void step()
    {
        StepCount++;
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            using var g = p.grad;
            if (g is null)
            {
                continue;
            }

            var m = _expAvg[i] ??= torch.zeros_like(p).DetachFromDisposeScope();
            var v = _expAvgSq[i] ??= torch.zeros_like(p).DetachFromDisposeScope();
            Native.Check(Native.pt_adamw_step(p.Handle, g.Handle, m.Handle, v.Handle, LearningRate, Beta1, Beta2, Eps,
                WeightDecay, StepCount));
        }
    }

    /// <summary>Drops every gradient (set_to_none) or zeroes them in place.</summary>
    public void zero_grad(bool set_to_none = true)
    {
        foreach (var p in _parameters)
        {
            p.zero_grad(set_to_none);
        }
    }

    /// <summary>
    /// Writes the optimizer state (format: docs/binding.md): magic "PTADAMW1", int32 version,
    /// int64 step count, five doubles (lr, beta1, beta2, eps, weight decay), int32 parameter
    /// count, then per parameter a byte (1: has moments) followed by both moment tensors.
    /// </summary>
    public void Save(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(StepCount);
        w.Write(LearningRate);
        w.Write(Beta1);
        w.Write(Beta2);
        w.Write(Eps);
        w.Write(WeightDecay);
        w.Write(_parameters.Length);
        for (var i = 0; i < _parameters.Length; i++)
        {
            var has = _expAvg[i] is not null;
            w.Write((byte)(has ? 1 : 0));
            if (has)
            {
                TensorSerializer.Write(w, _expAvg[i]!);
                TensorSerializer.Write(w, _expAvgSq[i]!);
            }
        }
    }

    /// <summary>
    /// Restores state written by <see cref="Save"/> for the same parameter list (checked by count
    /// and shape). Hyper-parameters other than the learning rate stay as constructed; the saved
    /// rate is restored so that a resumed schedule continues where it stopped.
    /// </summary>
    public void Load(Stream stream)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("not an AdamW state (bad magic)");
        }

        var version = r.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"AdamW state version {version}; this build reads {FormatVersion}");
        }

        var step = r.ReadInt64();
        var lr = r.ReadDouble();
        r.ReadDouble();
        r.ReadDouble();
        r.ReadDouble();
        r.ReadDouble();
        var n = r.ReadInt32();
        if (n != _parameters.Length)
        {
            throw new InvalidDataException($"AdamW state holds {n} parameters, this optimizer has {_parameters.Length}");
        }

        var m = new Tensor?[n];
        var v = new Tensor?[n];
        try
        {
            for (var i = 0; i < n; i++)
            {
                if (r.ReadByte() == 0)
                {
                    continue;
                }

                m[i] = TensorSerializer.Read(r).DetachFromDisposeScope();
                v[i] = TensorSerializer.Read(r).DetachFromDisposeScope();
                var expected = _parameters[i].shape;
                if (!m[i]!.shape.SequenceEqual(expected) || !v[i]!.shape.SequenceEqual(expected))
                {
                    throw new InvalidDataException(
                        $"AdamW state of parameter {i} has shape [{string.Join(", ", m[i]!.shape)}], the parameter [{string.Join(", ", expected)}]");
                }
            }
        }
        catch
        {
            DisposeAll(m);
            DisposeAll(v);
            throw;
        }

        using (torch.no_grad())
        {
            for (var i = 0; i < n; i++)
            {
                if (m[i] is not null && m[i]!.device != _parameters[i].device)
                {
                    var mm = m[i]!.to(_parameters[i].device).DetachFromDisposeScope();
                    var vv = v[i]!.to(_parameters[i].device).DetachFromDisposeScope();
                    m[i]!.Dispose();
                    v[i]!.Dispose();
                    (m[i], v[i]) = (mm, vv);
                }
            }
        }

        DisposeAll(_expAvg);
        DisposeAll(_expAvgSq);
        Array.Copy(m, _expAvg, n);
        Array.Copy(v, _expAvgSq, n);
        StepCount = step;
        LearningRate = lr;
    }

    public void Dispose()
    {
        DisposeAll(_expAvg);
        DisposeAll(_expAvgSq);
    }

    private static void DisposeAll(Tensor?[] tensors)
    {
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i]?.Dispose();
            tensors[i] = null;
        }
    }

    private const int FormatVersion = 1;

    private static readonly byte[] Magic = "PTADAMW1"u8.ToArray();
}
