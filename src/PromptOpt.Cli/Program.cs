using PromptOpt.Cli;

return await CliApp.InvokeAsync(args, CliContext.FromProcess());
