package deflate

// Bridges for the tests in package deflate_test.
var (
	CorpusKinds    = corpusKinds
	CorpusMessages = corpusMessages
	RefInflate     = refInflate
)
