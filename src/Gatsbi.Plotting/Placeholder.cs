namespace Gatsbi.Plotting;
