// Stands in for github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc, which the Go module
// proxy does not serve (403 for every version): flannel's tencentvpc backend is then built but
// fails at start with a clear error. Nothing else of flannel is touched.
module github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc

go 1.21
