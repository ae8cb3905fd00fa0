using Pipeline.Cli.Commands;

return CommandCatalog.Build().Parse(args).Invoke();
