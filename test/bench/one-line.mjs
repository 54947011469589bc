// A module that only exports a constant: what importing any ES module costs on the machine
// (`npm run bench`, the import's floor row), imported the way the package is.
export const one = 1;
