namespace Gatsbi.Native;
