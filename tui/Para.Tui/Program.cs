using Para.Tui;
using Para.Tui.Cli;

// No arguments opens the console; anything else is a command.
return args.Length == 0 ? ParaConsole.Run() : await ParaCommandLine.InvokeAsync(args);
