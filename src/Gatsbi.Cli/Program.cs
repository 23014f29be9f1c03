return Gatsbi.Cli.GatsbiApp.Run(args);
