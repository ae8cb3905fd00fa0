using System.CommandLine;
using Pipeline.Cli.Configuration;

namespace Pipeline.Cli.Commands;

public static class ConfigDocsCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo?>("--out") { Description = "Write the page here (the repository keeps it at docs/config.md); default: stdout." };
        var command = new Command("config-docs", "Print the run config reference (every key, type, default, description) generated from the code.") { output };
        command.SetAction(parse =>
        {
            var text = ConfigDocs.Render();
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file.FullName, text);
                Console.WriteLine(file.FullName);
            }
            else
            {
                Console.Write(text);
            }

            return 0;
        });
        return command;
    }
}
