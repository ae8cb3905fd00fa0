namespace Pipeline.Model.Torch;

/// <summary>
/// A tensor as bytes: int32 dtype code, int32 rank, int64 sizes, then the elements row-major in
/// little-endian order (the only byte order this project runs on). Device is not stored: a
/// tensor reads back on the CPU.
/// </summary>
public static class TensorSerializer
{
    public static void Write(BinaryWriter w, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(t);
        var shape = t.shape;
        var type = t.dtype;
        w.Write((int)type);
        w.Write(shape.Length);
        foreach (var s in shape)
        {
            w.Write(s);
        }

        var bytes = new byte[checked((int)(t.numel() * type.ElementSize()))];
        unsafe
        {
            fixed (byte* p = bytes)
            {
                Native.Check(Native.pt_copy_out(t.Handle, p, bytes.Length));
            }
        }

        w.Write(bytes);
    }

    public static Tensor Read(BinaryReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var type = (ScalarType)r.ReadInt32();
        var rank = r.ReadInt32();
        if (rank is < 0 or > 64)
        {
            throw new InvalidDataException($"tensor rank {rank} is out of range");
        }

        var shape = new long[rank];
        long count = 1;
        for (var i = 0; i < rank; i++)
        {
            shape[i] = r.ReadInt64();
            count = checked(count * shape[i]);
        }

        var length = checked((int)(count * type.ElementSize()));
        var bytes = r.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new EndOfStreamException($"tensor data truncated: {bytes.Length} of {length} bytes");
        }

        unsafe
        {
            fixed (byte* p = bytes)
            fixed (long* s = shape)
            {
                return new Tensor(Native.pt_from_data(p, length, s, rank, (int)type, 0, 0, 0));
            }
        }
    }
}
