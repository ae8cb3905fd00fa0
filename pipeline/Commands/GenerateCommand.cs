using System.CommandLine;
using Pipeline.Model.Checkpoints;
using Pipeline.Model.Policy;
using Pipeline.Model.Tokenizers;
using Pipeline.Model.Torch;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline generate --model DIR --prompt TEXT</c>: continues a prompt with a Hugging Face
/// model folder (config.json, safetensors, tokenizer.json), for checking a checkpoint by hand.
/// Sampling defaults come from the folder's generation_config.json when it has one.
/// </summary>
public static class GenerateCommand
{
    public sealed record Settings(string ModelDir, string Prompt, bool Greedy, int MaxNewTokens, double? Temperature, int? TopK,
        double? TopP, ulong Seed, string DType, int Threads);

    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A Hugging Face model folder (config.json, model.safetensors, tokenizer.json).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The text to continue.", Required = true };
        var greedy = new Option<bool>("--greedy") { Description = "Take the most likely token every step." };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 128 };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature (default: generation_config.json, else 1)." };
        var topK = new Option<int?>("--top-k") { Description = "Sample among the k most likely tokens (0: off)." };
        var topP = new Option<double?>("--top-p") { Description = "Sample from the smallest set of tokens holding this probability (1: off)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sampler.", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string>("--dtype") { Description = "Weights and compute: float32 or bfloat16 (default: as stored).", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0: libtorch's default).", DefaultValueFactory = _ => 0 };
        var command = new Command("generate", "Continue a prompt with a model folder.") { model, prompt, greedy, maxNew, temperature, topK, topP, seed, dtype, threads };
        command.SetAction(parse => Run(new Settings(parse.GetValue(model)!.FullName, parse.GetValue(prompt)!, parse.GetValue(greedy),
            parse.GetValue(maxNew), parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed),
            parse.GetValue(dtype)!, parse.GetValue(threads)), Console.Out, Console.Error));
        return command;
    }

    public static int Run(Settings s, TextWriter output, TextWriter error)
    {
        ScalarType? dtype = s.DType switch
        {
            "auto" => null,
            "float32" => ScalarType.Float32,
            "bfloat16" => ScalarType.BFloat16,
            _ => null,
        };
        if (dtype is null && s.DType != "auto")
        {
            error.WriteLine($"--dtype must be float32 or bfloat16, not '{s.DType}'");
            return 2;
        }
        var tokenizerPath = Path.Combine(s.ModelDir, "tokenizer.json");
        HfTokenizer tokenizer;
        LlamaModel policy;
        GenerationConfig? gen;
        try
        {
            tokenizer = HfTokenizer.Load(tokenizerPath);
            gen = HfCheckpoint.LoadGenerationConfig(s.ModelDir);
            policy = HfCheckpoint.Load(s.ModelDir, dtype);
        }
        catch (Exception e) when (e is CheckpointFormatException or TokenizerFormatException or NotSupportedException or IOException)
        {
            error.WriteLine(e.Message);
            return 2;
        }
        using (policy)
        {
            if (s.Threads > 0) torch.set_num_threads(s.Threads);
            var stops = new HashSet<int>(policy.Config.EosTokenIds.Concat(gen?.EosTokenIds ?? []));
            if (tokenizer.EosId is { } eos) stops.Add(eos);
            var options = new SamplingOptions
            {
                Greedy = s.Greedy || gen?.DoSample == false && s.Temperature is null,
                MaxNewTokens = s.MaxNewTokens,
                Temperature = s.Temperature ?? gen?.Temperature ?? 1.0,
                TopK = s.TopK ?? gen?.TopK ?? 0,
                TopP = s.TopP ?? gen?.TopP ?? 1.0,
                StopTokenIds = [.. stops],
                Seed = s.Seed,
            };
            var ids = tokenizer.Encode(s.Prompt);
            try
            {
                var row = new PolicyGenerator(policy, tokenizer).Generate(new GenerationRequest([ids], options)).Rows[0];
                output.WriteLine(tokenizer.Decode(row.Tokens, skipSpecialTokens: true));
                error.WriteLine($"[{row.Tokens.Length} tokens, finish: {row.FinishReason.ToString().ToLowerInvariant()}, mean log-prob {(row.LogProbs.Length > 0 ? row.LogProbs.Average() : 0):F3}]");
                return 0;
            }
            catch (ArgumentException e)
            {
                error.WriteLine(e.Message);
                return 2;
            }
        }
    }
}
