using Para.Tui.Cli;

return await ParaCommandLine.InvokeAsync(args);
