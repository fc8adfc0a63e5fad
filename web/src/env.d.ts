// Vite resolves imports of stylesheets; TypeScript only needs to know they exist.
declare module '*.css' {}
