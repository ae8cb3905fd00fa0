using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

/// <summary>
/// Raw tensor entry points of the shim. Tensor arguments are SafeHandles so that the marshaller
/// keeps them alive (and refuses disposed ones) for the duration of the call; results are raw
/// pointers, wrapped by <see cref="Tensor"/> at once, with null meaning failure.
/// </summary>
internal static partial class Native
{
    // tensor.cpp
    [LibraryImport(Lib)] internal static partial void pt_free(IntPtr h);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_fill_new(int kind, long* shape, int ndim, double value, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_rand_new(int kind, long* shape, int ndim, int dtype, int devType, int devIndex, GeneratorHandle g, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_randint_new(long low, long high, long* shape, int ndim, int dtype, int devType, int devIndex, GeneratorHandle g);
    [LibraryImport(Lib)] internal static partial IntPtr pt_arange(double start, double end, double step, int dtype, int devType, int devIndex);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_from_data(void* data, long nbytes, long* shape, int ndim, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial int pt_copy_out(TensorHandle h, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static partial int pt_item_double(TensorHandle h, out double value);
    [LibraryImport(Lib)] internal static partial int pt_item_long(TensorHandle h, out long value);
    [LibraryImport(Lib)] internal static partial int pt_dim(TensorHandle h);
    [LibraryImport(Lib)] internal static unsafe partial int pt_shape(TensorHandle h, long* dst, int cap);
    [LibraryImport(Lib)] internal static unsafe partial int pt_strides(TensorHandle h, long* dst, int cap);
    [LibraryImport(Lib)] internal static partial long pt_numel(TensorHandle h);
    [LibraryImport(Lib)] internal static partial int pt_dtype(TensorHandle h);
    [LibraryImport(Lib)] internal static partial int pt_device_type(TensorHandle h);
    [LibraryImport(Lib)] internal static partial int pt_device_index(TensorHandle h);
    [LibraryImport(Lib)] internal static partial int pt_is_contiguous(TensorHandle h);
    [LibraryImport(Lib)] internal static partial int pt_element_size(int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr pt_to_string(TensorHandle h);
    [LibraryImport(Lib)] internal static partial IntPtr pt_to_dtype(TensorHandle h, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr pt_to_device(TensorHandle h, int devType, int devIndex);
    [LibraryImport(Lib)] internal static partial IntPtr pt_contiguous(TensorHandle h);
    [LibraryImport(Lib)] internal static partial IntPtr pt_clone(TensorHandle h);
    [LibraryImport(Lib)] internal static partial IntPtr pt_detach(TensorHandle h);
    [LibraryImport(Lib)] internal static partial IntPtr pt_alias(TensorHandle h);
    [LibraryImport(Lib)] internal static partial int pt_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, int equalNan, out int result);
    [LibraryImport(Lib)] internal static partial int pt_equal(TensorHandle a, TensorHandle b, out int result);
    [LibraryImport(Lib)] internal static partial IntPtr pt_generator_new(ulong seed, int devType, int devIndex);
    [LibraryImport(Lib)] internal static partial void pt_generator_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial int pt_generator_manual_seed(GeneratorHandle g, ulong seed);
    [LibraryImport(Lib)] internal static partial int pt_generator_initial_seed(GeneratorHandle g, out ulong seed);
    [LibraryImport(Lib)] internal static partial IntPtr pt_generator_get_state(GeneratorHandle g);
    [LibraryImport(Lib)] internal static partial int pt_generator_set_state(GeneratorHandle g, TensorHandle state);
    [LibraryImport(Lib)] internal static partial int pt_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial int pt_set_deterministic(int on);
    [LibraryImport(Lib)] internal static partial int pt_get_deterministic();

    // ops_elementwise.cpp
    [LibraryImport(Lib)] internal static partial IntPtr pt_unary(int op, TensorHandle a);
    [LibraryImport(Lib)] internal static partial int pt_unary_(int op, TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr pt_binary(int op, TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial int pt_binary_(int op, TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial IntPtr pt_scalar(int op, TensorHandle a, double value, int isInt);
    [LibraryImport(Lib)] internal static partial int pt_scalar_(int op, TensorHandle a, double value, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr pt_add(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int pt_zero_(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr pt_addc(int op, TensorHandle self, TensorHandle t1, TensorHandle t2, double value);
    [LibraryImport(Lib)] internal static partial int pt_addc_(int op, TensorHandle self, TensorHandle t1, TensorHandle t2, double value);
    [LibraryImport(Lib)] internal static partial int pt_lerp_(TensorHandle self, TensorHandle end, double weight);
    [LibraryImport(Lib)] internal static partial IntPtr pt_clamp(TensorHandle a, double lo, double hi);
    [LibraryImport(Lib)] internal static partial int pt_clamp_(TensorHandle a, double lo, double hi);
    [LibraryImport(Lib)] internal static partial IntPtr pt_where(TensorHandle cond, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr pt_masked_fill(TensorHandle a, TensorHandle mask, double value);
    [LibraryImport(Lib)] internal static partial int pt_masked_fill_(TensorHandle a, TensorHandle mask, double value);

    // ops_reduce.cpp
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_reduce(int op, TensorHandle a, long* dims, int ndims, int keepdim, int unbiased);
    [LibraryImport(Lib)] internal static partial int pt_minmax_dim(int op, TensorHandle a, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial IntPtr pt_argminmax(int op, TensorHandle a, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr pt_cumsum(TensorHandle a, long dim);
    [LibraryImport(Lib)] internal static partial int pt_sort(TensorHandle a, long dim, int descending, int stable, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int pt_topk(TensorHandle a, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial IntPtr pt_multinomial(TensorHandle probs, long n, int replacement, GeneratorHandle g);
    [LibraryImport(Lib)] internal static partial int pt_random_(TensorHandle t, int kind, double a, double b, GeneratorHandle g);

    // ops_shape.cpp
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_view(TensorHandle a, long* shape, int n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_reshape(TensorHandle a, long* shape, int n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_permute(TensorHandle a, long* order, int n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_expand(TensorHandle a, long* shape, int n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_repeat(TensorHandle a, long* repeats, int n);
    [LibraryImport(Lib)] internal static partial IntPtr pt_repeat_interleave(TensorHandle a, long repeats, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr pt_transpose(TensorHandle a, long d0, long d1);
    [LibraryImport(Lib)] internal static partial IntPtr pt_unsqueeze(TensorHandle a, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr pt_squeeze(TensorHandle a, long dim, int hasDim);
    [LibraryImport(Lib)] internal static partial IntPtr pt_flatten(TensorHandle a, long start, long end);
    [LibraryImport(Lib)] internal static partial IntPtr pt_narrow(TensorHandle a, long dim, long start, long length);
    [LibraryImport(Lib)] internal static partial IntPtr pt_slice(TensorHandle a, long dim, long start, long end, long step);
    [LibraryImport(Lib)] internal static partial IntPtr pt_select(TensorHandle a, long dim, long index);
    [LibraryImport(Lib)] internal static unsafe partial int pt_split(TensorHandle a, long* sizes, int n, long dim, IntPtr* output);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_cat(IntPtr* handles, int n, long dim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_stack(IntPtr* handles, int n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr pt_triangle(int upper, TensorHandle a, long diagonal);
    [LibraryImport(Lib)] internal static partial IntPtr pt_gather(TensorHandle a, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial IntPtr pt_scatter(int op, TensorHandle a, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial IntPtr pt_index_select(TensorHandle a, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial IntPtr pt_one_hot(TensorHandle a, long classes);

    // ops_nn.cpp
    [LibraryImport(Lib)] internal static partial IntPtr pt_matmul(int op, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr pt_linear(TensorHandle x, TensorHandle w, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr pt_softmax(TensorHandle a, long dim, int log, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr pt_embedding(TensorHandle weight, TensorHandle indices);
    [LibraryImport(Lib)] internal static partial IntPtr pt_cross_entropy(TensorHandle logits, TensorHandle target, long ignoreIndex, int reduction);
    [LibraryImport(Lib)] internal static partial int pt_has_fused_attention();
    [LibraryImport(Lib)] internal static partial IntPtr pt_attention(TensorHandle q, TensorHandle k, TensorHandle v, TensorHandle mask, int causal, int path);

    // autograd.cpp
    [LibraryImport(Lib)] internal static partial int pt_set_requires_grad(TensorHandle a, int on);
    [LibraryImport(Lib)] internal static partial int pt_requires_grad(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int pt_is_leaf(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int pt_backward(TensorHandle a, TensorHandle grad, int retainGraph, int createGraph);
    [LibraryImport(Lib)] internal static partial int pt_grad(TensorHandle a, out IntPtr grad);
    [LibraryImport(Lib)] internal static partial int pt_set_grad(TensorHandle a, TensorHandle grad);
    [LibraryImport(Lib)] internal static partial int pt_zero_grad(TensorHandle a, int setToNone);
    [LibraryImport(Lib)] internal static partial int pt_retain_grad(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int pt_grad_enabled();
    [LibraryImport(Lib)] internal static partial void pt_set_grad_enabled(int on);
    [LibraryImport(Lib)] internal static partial IntPtr pt_inference_mode_enter();
    [LibraryImport(Lib)] internal static partial void pt_inference_mode_exit(IntPtr guard);
    [LibraryImport(Lib)] internal static partial int pt_is_inference_mode();

    // optim.cpp
    [LibraryImport(Lib)] internal static partial int pt_adamw_step(TensorHandle param, TensorHandle grad, TensorHandle expAvg, TensorHandle expAvgSq, double lr, double beta1, double beta2, double eps, double weightDecay, long step);
    [LibraryImport(Lib)] internal static unsafe partial int pt_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, out double totalNorm);

    // bench.cpp
    [LibraryImport(Lib)] internal static partial int pt_bench_loop(int op, TensorHandle a, TensorHandle b, int iters, out double nsPerOp);

    /// <summary>Wraps a handle returned by the shim, throwing its error when it is null.</summary>
    internal static IntPtr CheckHandle(IntPtr h)
    {
        if (h == IntPtr.Zero)
        {
            throw new TorchException(Str(pt_last_error()));
        }

        return h;
    }
}
