// Package exercise turns the stages into a workbook. An exercise is a region
// of a stage's reference source, marked with two directive comments on
// lines of their own:
//
//	//exercise:begin s1-select
//	… one or more whole function declarations …
//	//exercise:end s1-select
//
// The catalogue, docs/exercises.md, is a chapter of the book and the single
// description of every exercise: its title, file, what to write, what the
// tests check and three hints (see ParseCatalogue).
//
// Starting an exercise keeps the region as it is on disk (the reference)
// in the learner's state folder and writes a stub in its place: each
// function keeps its signature and doc comment, and its body becomes a TODO
// comment and a panic that names the exercise (see Stub). The stage's own
// tests are the judge: Check runs them with a hard time limit and reads the
// verdict back in plain words. Solution shows the reference as a diff
// against the learner's code, Reset writes the stub again and Restore puts
// the reference back byte for byte. Nothing here needs git.
//
// State lives beside the tutor's progress file, in
// <os.UserConfigDir()>/loopfromscratch/exercises/<repo>-<hash>/, one folder
// per clone (hash of the repository's absolute path), see StateDir.
//
// Marker regions and the book's //docs:begin … //docs:end excerpt regions
// may nest, but an exercise region never sits inside an excerpt region (the
// chapter would show its markers): it goes around one or beside it. A
// docs marker inside a function body that a stub replaces is kept in the
// stub, so the excerpt tool can still read every region of a started file.
package exercise
